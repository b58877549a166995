"""Every model has an admin, and its pages render for a superuser."""

import pytest
from django.contrib import admin
from django.urls import reverse

from cases import services
from cases.models import Case
from tests.factories import full_document
from tests.files import jpeg_with_exif, upload


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw-xyz-123")


def test_every_project_model_is_registered():
    from django.apps import apps

    for app_label in ("accounts", "cases"):
        for model in apps.get_app_config(app_label).get_models():
            assert model in admin.site._registry, model.__name__


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m.__name__)
def test_admin_lists_and_add_forms_render(client, superuser, author, model):
    services.create_case_from_document(full_document(), author=author)
    client.force_login(superuser)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert client.get(add).status_code in (200, 403)


def test_the_case_change_page_renders_with_every_inline(client, superuser, author):
    case = services.create_case_from_document(full_document(), author=author)
    client.force_login(superuser)
    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).title.encode() in response.content


def test_an_image_uploaded_in_the_admin_gets_its_thumbnail(
    client, superuser, author, django_capture_on_commit_callbacks
):
    from cases.models import Figure, Study


    case = services.create_case_from_document(full_document(), author=author)
    study = Study.objects.filter(case=case).first()
    figure = study.figures.first()
    client.force_login(superuser)
    url = reverse("admin:cases_figure_change", args=[figure.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "study": study.pk,
                "position": 0,
                "label": "Fig 1",
                "caption": "",
                "alt_text": "Lateral radiograph",
                "image": upload(jpeg_with_exif()),
                "annotations": "[]",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    figure = Figure.objects.get(pk=figure.pk)
    assert figure.status == "ready"
    assert figure.thumbnail
