"""Derivatives readers see: sized, upright, flattened to 8 bits, and stripped of every metadata."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from imaging.derivatives import (
    Derivatives,
    UnreadableImage,
    make_derivatives,
    make_thumbnail,
)

PLANTED = (b"PLANTED-CAMERA", b"PLANTED-GPS-DATUM", b"PLANTED-XMP", b"PLANTED-COMMENT")
GPS_IFD = 0x8825


def photo(size: tuple[int, int] = (120, 80)) -> Image.Image:
    width, height = size
    rows, columns = np.mgrid[0:height, 0:width]
    red = (columns * 255 // max(width - 1, 1)).astype(np.uint8)
    green = (rows * 255 // max(height - 1, 1)).astype(np.uint8)
    return Image.fromarray(np.dstack([red, green, np.full_like(red, 60)]), mode="RGB")


def saved(image: Image.Image, format: str, **options) -> io.BytesIO:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    buffer.seek(0)
    return buffer


def jpeg_with_metadata(orientation: int = 1) -> io.BytesIO:
    exif = Image.Exif()
    exif[0x010F] = "PLANTED-CAMERA"  # Make
    exif[0x0112] = orientation
    exif[GPS_IFD] = {
        1: "N",
        2: (51.0, 30.0, 12.0),
        3: "W",
        4: (0.0, 7.0, 39.0),
        18: "PLANTED-GPS-DATUM",
    }
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return saved(
        photo(),
        "JPEG",
        exif=exif.tobytes(),
        icc_profile=icc,
        comment=b"PLANTED-COMMENT",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">PLANTED-XMP</x:xmpmeta>',
    )


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def outputs(result: Derivatives) -> list[bytes]:
    return [result.thumbnail, result.web, result.full]


def test_the_planted_metadata_is_really_in_the_input():
    data = jpeg_with_metadata().getvalue()
    assert b"Exif" in data
    assert all(marker in data for marker in PLANTED)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)


def test_exif_gps_xmp_icc_and_comments_are_absent_from_every_derivative():
    result = make_derivatives(jpeg_with_metadata())
    for data in outputs(result):
        assert data.startswith(b"\xff\xd8\xff")
        assert b"Exif" not in data
        assert not any(marker in data for marker in PLANTED)
        image = opened(data)
        assert image.format == "JPEG"
        assert not image.getexif()
        assert not image.getexif().get_ifd(GPS_IFD)
        assert "icc_profile" not in image.info
        assert "comment" not in image.info
        assert "xmp" not in image.info


def test_png_text_chunks_are_absent_from_every_derivative():
    info = PngInfo()
    info.add_text("Author", "PLANTED-AUTHOR")
    info.add_itxt("Description", "PLANTED-DESCRIPTION", zip=True)
    result = make_derivatives(saved(photo(), "PNG", pnginfo=info))
    for data in outputs(result):
        assert b"PLANTED" not in data
        assert opened(data).info.keys() <= {
            "jfif",
            "jfif_version",
            "jfif_unit",
            "jfif_density",
            "dpi",
        }


def test_orientation_six_is_applied_so_the_picture_stands_upright():
    # Stored 120 wide and 80 high, with the red column on the right: orientation 6 turns it a
    # quarter clockwise, so it shows 80 wide, 120 high, with the red edge at the bottom.
    result = make_derivatives(jpeg_with_metadata(orientation=6))
    assert (result.width, result.height) == (80, 120)
    full = opened(result.full).convert("RGB")
    assert full.size == (80, 120)
    bottom_red = full.getpixel((40, 118))[0]
    top_red = full.getpixel((40, 1))[0]
    assert bottom_red > 200 > 60 > top_red


def test_sizes_fit_their_boxes_and_full_is_capped_on_the_long_side():
    result = make_derivatives(photo((5000, 2500)))
    assert (result.width, result.height) == (4096, 2048)
    assert opened(result.full).size == (4096, 2048)
    assert opened(result.web).size == (1600, 800)
    assert opened(result.thumbnail).size == (480, 240)


def test_small_images_are_never_enlarged():
    result = make_derivatives(photo((100, 50)))
    assert opened(result.thumbnail).size == opened(result.full).size == (100, 50)


def test_transparency_is_flattened_onto_white():
    clear = Image.new("RGBA", (60, 60), (255, 0, 0, 0))
    clear.paste((0, 0, 255, 255), (0, 0, 30, 60))
    full = opened(make_derivatives(saved(clear, "PNG")).full)
    assert full.mode == "RGB"
    assert min(full.getpixel((50, 30))) > 245  # transparent: white, not black or red
    red, green, blue = full.getpixel((10, 30))
    assert blue > 200 and red < 40 and green < 40


def test_palette_transparency_is_flattened_too():
    image = Image.new("P", (40, 40), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 20, 40))
    full = opened(make_derivatives(saved(image, "GIF", transparency=0)).full)
    assert min(full.getpixel((30, 20))) > 245


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    ramp = np.tile(np.linspace(1000, 4000, 256, dtype=np.uint16), (32, 1))  # 12-bit data
    full = opened(make_derivatives(saved(Image.fromarray(ramp), "PNG")).full)
    assert full.mode == "L"
    values = np.asarray(full)
    assert values[:, :4].mean() < 10
    assert values[:, -4:].mean() > 245
    assert 100 < values[:, 128].mean() < 155


def test_cmyk_becomes_rgb():
    full = opened(make_derivatives(saved(photo().convert("CMYK"), "JPEG")).full)
    assert full.mode == "RGB"


def test_only_the_first_frame_of_an_animation_is_used():
    first = Image.new("RGB", (40, 40), (255, 255, 255))
    second = Image.new("RGB", (40, 40), (0, 0, 0))
    animation = saved(first, "GIF", save_all=True, append_images=[second])
    full = opened(make_derivatives(animation).full)
    assert min(full.convert("RGB").getpixel((20, 20))) > 245


def test_greyscale_stays_greyscale():
    grey = photo().convert("L")
    assert opened(make_derivatives(saved(grey, "PNG")).full).mode == "L"


def test_make_thumbnail_still_returns_clean_jpeg_bytes():
    data = make_thumbnail(jpeg_with_metadata())
    assert data.startswith(b"\xff\xd8\xff")
    assert b"Exif" not in data and b"PLANTED" not in data
    assert max(opened(data).size) <= 480


def test_a_rendered_picture_can_be_given_directly():
    result = make_derivatives(Image.new("L", (300, 200), 128))
    assert (result.width, result.height) == (300, 200)


@pytest.mark.parametrize(
    "data",
    [b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"%PDF-1.7\n"],
)
def test_unreadable_input_raises_unreadable_image(data):
    with pytest.raises(UnreadableImage):
        make_derivatives(io.BytesIO(data))


def test_decompression_bomb_raises_unreadable_image():
    with pytest.raises(UnreadableImage):
        make_derivatives(saved(photo((200, 200)), "PNG"), max_pixels=1000)
