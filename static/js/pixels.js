// Slices windowed in the browser: the modality values of a DICOM frame at full bit depth
// (imaging/pixels.py), turned into pixels for a <canvas> for any window centre and width.
//
// A slice's file is a gzip stream of little-endian int16, uint16 or float32 values, row by
// row; its header (rows, columns, dtype, min, max, window, spacing, invert) comes with the
// figure's data. The file is fetched from the same signed address as the slice's pictures and
// decompressed here, so it needs no Content-Encoding from the storage that serves it.

const TYPES = {
  int16: Int16Array,
  uint16: Uint16Array,
  float32: Float32Array,
};

export function canWindow(figure) {
  return Boolean(
    !figure.photo &&
      typeof DecompressionStream === "function" &&
      figure.frames.length &&
      figure.frames.every((frame) => frame.pixels && TYPES[frame.pixels.dtype])
  );
}

// The values of one slice; rejects when the file cannot be fetched or does not match.
export async function loadValues(pixels) {
  const response = await fetch(pixels.src, { credentials: "same-origin" });
  if (!response.ok || !response.body) {
    throw new Error(`The slice's values could not be loaded (${response.status}).`);
  }
  const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
  const buffer = await new Response(stream).arrayBuffer();
  const Type = TYPES[pixels.dtype];
  const count = pixels.rows * pixels.columns;
  if (buffer.byteLength !== count * Type.BYTES_PER_ELEMENT) {
    throw new Error("The slice's values do not match its size.");
  }
  return new Type(buffer);
}

// The window a slice opens with: the file's own, else its whole range.
export function defaultWindow(pixels) {
  if (Array.isArray(pixels.window) && pixels.window[1] > 0) {
    return { center: pixels.window[0], width: pixels.window[1] };
  }
  const low = Number(pixels.min) || 0;
  const high = Number(pixels.max) || 0;
  return { center: (low + high) / 2, width: Math.max(1, high - low) };
}

// How far one screen pixel of drag moves the window: the slice's range over about 500 pixels,
// at least a unit (a Hounsfield unit on CT).
export function dragSensitivity(pixels) {
  const range = (Number(pixels.max) || 0) - (Number(pixels.min) || 0);
  return Math.max(range / 500, 1);
}

// Writes the windowed slice into `imageData` (same size): DICOM's linear window
// (PS3.3 C.11.2.1.2.1), then MONOCHROME1 and the reader's inversion.
export function windowInto(imageData, values, window, invert) {
  const out = new Uint32Array(imageData.data.buffer);
  const width = Math.max(1, window.width);
  const low = window.center - 0.5 - (width - 1) / 2;
  const scale = 255 / Math.max(width - 1, 1);
  const count = Math.min(values.length, out.length);
  // Little-endian RGBA in one 32-bit word: alpha in the top byte.
  for (let i = 0; i < count; i += 1) {
    let grey = (values[i] - low) * scale;
    grey = grey <= 0 ? 0 : grey >= 255 ? 255 : grey | 0;
    if (invert) {
      grey = 255 - grey;
    }
    out[i] = 0xff000000 | (grey << 16) | (grey << 8) | grey;
  }
}

// A scale bar of a round length in mm that spans at most `maxPixels` on screen, or null.
export function scaleBar(pixelsPerMm, maxPixels) {
  if (!(pixelsPerMm > 0) || !(maxPixels > 0)) {
    return null;
  }
  const lengths = [1, 2, 5, 10, 20, 50, 100, 200, 500];
  let best = null;
  for (const mm of lengths) {
    if (mm * pixelsPerMm <= maxPixels) {
      best = mm;
    }
  }
  return best === null ? null : { mm: best, pixels: best * pixelsPerMm };
}

// Keeps a few slices' values, loading each once, nearest to the shown slice first.
export function valueCache(frames, limit = 200) {
  const cache = new Map();
  return {
    get(index) {
      if (!cache.has(index)) {
        const promise = loadValues(frames[index].pixels);
        cache.set(index, promise);
        promise.catch(() => cache.delete(index));
        if (cache.size > limit) {
          cache.delete(cache.keys().next().value);
        }
      }
      return cache.get(index);
    },
    has(index) {
      return cache.has(index);
    },
  };
}
