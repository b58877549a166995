"""The verdict on each answer, judged when it is given, and whether the trainee overruled it.

Attempts made before are judged here by the same rules (study/judging.py): one not yet judged
by the trainee takes the verdict as its judgement; one the trainee judged keeps that
judgement, marked as overruling the verdict when the two differ."""

from django.db import migrations, models

from study.judging import judge, names_of

CHOICES = [("correct", "Correct"), ("partly", "Partly correct"), ("missed", "Missed")]


def judge_earlier_attempts(apps, schema_editor):
    Attempt = apps.get_model("study", "Attempt")
    DifferentialDiagnosis = apps.get_model("cases", "DifferentialDiagnosis")
    attempts = Attempt.objects.select_related("case").order_by("pk")
    differentials: dict[int, list[str]] = {}
    for attempt in attempts.iterator(chunk_size=500):
        case = attempt.case
        if case.pk not in differentials:
            differentials[case.pk] = list(
                DifferentialDiagnosis.objects.filter(case_id=case.pk).values_list(
                    "diagnosis", flat=True
                )
            )
        verdict = judge(
            attempt.answer,
            names=names_of(case.final_diagnosis, case.title),
            differentials=differentials[case.pk],
        ).verdict
        attempt.verdict = verdict
        if attempt.self_assessment:
            attempt.overruled = attempt.self_assessment != verdict
        else:
            attempt.self_assessment = verdict
            attempt.completed_at = attempt.completed_at or attempt.answered_at
        attempt.save(update_fields=["verdict", "overruled", "self_assessment", "completed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_cited_authors"),
        ("study", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="verdict",
            field=models.CharField(
                blank=True,
                choices=CHOICES,
                help_text="The answer judged against the diagnosis, its other names and the "
                "differentials when it was given.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="attempt",
            name="overruled",
            field=models.BooleanField(
                default=False,
                help_text="The trainee judged the answer otherwise than the verdict.",
            ),
        ),
        migrations.RunPython(judge_earlier_attempts, migrations.RunPython.noop, elidable=True),
    ]
