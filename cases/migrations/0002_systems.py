from django.db import migrations

SYSTEMS = [
    ("musculoskeletal", "Musculoskeletal"),
    ("neuro", "Neuroradiology"),
    ("chest", "Chest"),
    ("abdominal", "Abdominal"),
    ("genitourinary", "Genitourinary"),
    ("cardiac", "Cardiac"),
    ("breast", "Breast"),
    ("head_neck", "Head and neck"),
    ("paediatric", "Paediatric"),
    ("vascular", "Vascular"),
    ("interventional", "Interventional"),
    ("nuclear", "Nuclear medicine"),
    ("spine", "Spine"),
    ("haematology", "Haematology"),
    ("obstetric", "Obstetric"),
    ("oncology", "Oncology"),
    ("trauma", "Trauma"),
]


def create_systems(apps, schema_editor):
    System = apps.get_model("cases", "System")
    for code, name in SYSTEMS:
        System.objects.update_or_create(code=code, defaults={"name": name})


def remove_systems(apps, schema_editor):
    apps.get_model("cases", "System").objects.filter(code__in=[c for c, _ in SYSTEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(create_systems, remove_systems)]
