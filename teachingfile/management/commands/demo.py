"""`python manage.py demo`: demo users for every role and the demo cases, idempotently.

It lives in the project package because it loads every app (cases, reviews, accounts).

Two kinds of demo case:

- Cases with images (`teachingfile/demo_cases.py`), written for this project around openly
  licensed DICOM test images. Their images are uploaded through the site's own pipeline
  (inspection, de-identification, derivatives) and each case goes through the editorial
  workflow like any other: the demo author submits it, the demo editor accepts and publishes
  it, and publication refuses a case whose checklist is incomplete. Two are featured; the
  clinical ones are offered as unknowns. One is a scrollable MR stack.
- Imported reports: the seed documents (`settings.SEED_CASES_DIR`) when that folder exists, the
  project's own files in `cases/demo_data/` otherwise. Their figures are named but no image
  comes with them, and their machine-generated analyses have not been verified by a person, so
  they fail the publication checklist: they stay drafts of the demo author, whose editor shows
  what blocks them. The demo never bypasses the checklist; one that an earlier version of the
  demo published without it is retracted, with the checklist's unmet items as the reason.

The files in `cases/demo_data/` were written for this project in the layouts of the seeds, so the
importer reads them the same way. Their patients are fictional; their consent and licence
sentences are part of the demo content; the review's references are real publications. 02 has
a patient of 93, shown as "90+".

So that the author, reviewer and editor dashboards show work, the first imported draft is
submitted by the demo author and sent to the demo reviewer by the demo editor.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Institution, Role, User
from cases.models import Case, Figure
from cases.services import (
    InvalidTransition,
    accept_case,
    create_case_from_document,
    feature_case,
    publish_case,
    retract_case,
    submit_case,
)
from imaging.processing import process_figure
from imaging.uploads import attach_figure_image
from interchange.importer import EmptyReportError, parse_case_report
from reviews.models import Review
from reviews.services import assign_reviewer, default_due_date, submit_review
from teachingfile.demo_cases import DEMO_IMAGED_CASES

# A development password, documented in the README and printed by the command. Set only when
# a demo user is created, so running the demo never resets a password someone changed.
DEMO_PASSWORD = "teachingfile-demo"
DEMO_INSTITUTION = "Teaching File Demo Hospital"
DEMO_AUTHOR = "author"
DEMO_EDITOR = "editor"
DEMO_REVIEWER = "reviewer"
REVIEW_DAYS = 7
DEMO_DATA_DIR = Path(settings.BASE_DIR) / "cases" / "demo_data"
FEATURED_CASES = 2
# What `Case.publication_blockers()` reads.
CHECKLIST_PREFETCH = ("studies__figures", "teaching_points", "commentaries")


def publication_blockers(case: Case) -> list[str]:
    """What keeps the case from publication, read afresh."""
    return Case.objects.prefetch_related(*CHECKLIST_PREFETCH).get(pk=case.pk).publication_blockers()


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    roles: tuple[str, ...]
    training_level: str = ""
    in_demo_institution: bool = True
    is_superuser: bool = False


Level = User.TrainingLevel
DEMO_USERS = (
    DemoUser("author", "Dr Alex Author", (Role.AUTHOR,), Level.CONSULTANT),
    DemoUser("coauthor", "Dr Casey Coauthor", (Role.AUTHOR,), Level.FELLOW),
    DemoUser("reviewer", "Dr Robin Reviewer", (Role.REVIEWER, Role.AUTHOR), Level.CONSULTANT),
    DemoUser("editor", "Dr Eden Editor", (Role.EDITOR, Role.AUTHOR), Level.CONSULTANT),
    DemoUser("moderator", "Morgan Moderator", (Role.MODERATOR,), Level.CONSULTANT),
    DemoUser("trainee", "Dr Taylor Trainee", (Role.TRAINEE,), Level.RESIDENT),
    DemoUser("admin", "Ari Admin", (Role.ADMIN,), in_demo_institution=False, is_superuser=True),
)


class Command(BaseCommand):
    help = (
        "Create demo users for every role and load the demo cases (the seed documents when "
        "SEED_CASES_DIR exists, else cases/demo_data/). Running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        users = self.create_users()
        author = users[DEMO_AUTHOR]
        if not author.has_role(Role.AUTHOR):
            raise CommandError(
                f"The existing user {DEMO_AUTHOR!r} does not hold the author role, so it cannot "
                "own the demo cases. Give it the role or remove the user, then run demo again."
            )
        self.load_cases(
            author=author,
            editor=users[DEMO_EDITOR],
            folder=self.case_folder(),
            verbosity=options["verbosity"],
        )
        self.start_review_round(
            author=author, editor=users[DEMO_EDITOR], reviewer=users[DEMO_REVIEWER]
        )
        self.load_imaged_cases(
            author=author, editor=users[DEMO_EDITOR], reviewer=users[DEMO_REVIEWER]
        )
        self.offer_unknowns(author=author)
        self.print_users(users)
        if options["verbosity"] >= 2:
            self.stdout.write(f"The demo took {time.monotonic() - started:.1f} s.")

    def create_users(self) -> dict[str, User]:
        institution, _ = Institution.objects.get_or_create(
            name=DEMO_INSTITUTION, defaults={"slug": slugify(DEMO_INSTITUTION)}
        )
        users = {}
        for spec in DEMO_USERS:
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = self.create_user(spec, institution=institution)
            users[spec.username] = user
        return users

    @transaction.atomic
    def create_user(self, spec: DemoUser, *, institution: Institution) -> User:
        user = User.objects.create_user(
            username=spec.username,
            email=f"{spec.username}@example.org",
            password=DEMO_PASSWORD,
            display_name=spec.display_name,
            training_level=spec.training_level,
            institution=institution if spec.in_demo_institution else None,
            is_staff=spec.is_superuser,
            is_superuser=spec.is_superuser,
        )
        # The role groups come from a data migration; get_or_create keeps a database that
        # lost one usable.
        user.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in spec.roles))
        # Confirmed, so that the demo accounts sign in where e-mail verification is mandatory.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    def case_folder(self) -> Path:
        seeds = Path(settings.SEED_CASES_DIR)
        return seeds if seeds.is_dir() else DEMO_DATA_DIR

    def load_cases(self, *, author: User, editor: User, folder: Path, verbosity: int = 1) -> None:
        """Import the reports of `folder` as drafts of the demo author, once."""
        paths = sorted(folder.glob("*.txt"))
        self.stdout.write(f"Imported reports from {folder} ({len(paths)} files):")
        for path in paths:
            try:
                parsed = parse_case_report(path.read_text(encoding="utf-8"), source_name=path.name)
            except EmptyReportError as error:
                self.stderr.write(f"  {path.name}: not loaded: {error}")
                continue
            document = parsed.document
            if verbosity >= 2:
                for warning in parsed.warnings:
                    self.stdout.write(f"  {path.name}: {warning}")
            title = (document.get("title") or "").strip()[:300]
            existing = self.existing_case(author, title)
            if existing is not None:
                existing = self.retract_if_incomplete(existing, editor=editor)
                self.stdout.write(f"  {title} — {existing.status}, already loaded")
                continue
            try:
                # The source is only what the report itself states: a file name is not a
                # publication.
                case = create_case_from_document(document, author=author)
            except (ValidationError, PermissionDenied) as error:
                self.stderr.write(f"  {path.name}: not loaded: {error}")
                continue
            self.stdout.write(f"  {case.title} — {self.describe(case)}")

    def retract_if_incomplete(self, case: Case, *, editor: User) -> Case:
        """Retract an imported case that an earlier version of the demo published although it
        fails the publication checklist, so that every published demo case passes it."""
        if not case.is_published:
            return case
        blockers = publication_blockers(case)
        if not blockers:
            return case
        try:
            return retract_case(
                case,
                by=editor,
                reason="It fails the publication checklist: " + "; ".join(blockers),
            )
        except (ValidationError, PermissionDenied, InvalidTransition) as error:
            self.stderr.write(f"  {case.title}: not retracted: {error}")
            return case

    @staticmethod
    def existing_case(author: User, title: str) -> Case | None:
        return Case.objects.visible_to(author).filter(created_by=author, title=title).first()

    def load_imaged_cases(self, *, author: User, editor: User, reviewer: User) -> None:
        """Create the cases with images, upload their images and publish them, once.

        A case left half way by an earlier run (an image not processed yet, a step that
        failed) is taken up where it stopped.
        """
        self.stdout.write("Cases with images:")
        for position, document in enumerate(DEMO_IMAGED_CASES):
            case = self.existing_case(author, document["title"])
            if case is not None and case.is_published:
                self.stdout.write(f"  {case.title} — published, already loaded")
                continue
            try:
                if case is None:
                    case = self.create_imaged_case(document, author=author)
                case = self.publish_through_workflow(
                    case, author=author, editor=editor, reviewer=reviewer
                )
                if case.is_published and position < FEATURED_CASES:
                    case = feature_case(case, by=editor)
            except (ValidationError, PermissionDenied, InvalidTransition) as error:
                self.stderr.write(f"  {document['title']}: not published: {error}")
                continue
            self.stdout.write(f"  {case.title} — {self.describe(case)}")

    @staticmethod
    def create_imaged_case(document: dict, *, author: User) -> Case:
        """Save the document as a draft, then give each of its figures its image by upload."""
        files = [
            [figure["file"] for figure in study.get("figures") or []]
            for study in document.get("studies") or []
        ]
        document = {
            **document,
            "studies": [
                {
                    **study,
                    "figures": [
                        {name: value for name, value in figure.items() if name != "file"}
                        for figure in study.get("figures") or []
                    ],
                }
                for study in document.get("studies") or []
            ],
        }
        with transaction.atomic():
            case = create_case_from_document(document, author=author)
            studies = case.studies.order_by("position").prefetch_related("figures")
            for study, study_files in zip(studies, files, strict=True):
                for figure, path in zip(study.figures.all(), study_files, strict=True):
                    upload = SimpleUploadedFile(path.name, path.read_bytes())
                    attach_figure_image(figure, upload=upload, by=author)
        return case

    @staticmethod
    def publish_through_workflow(case: Case, *, author: User, editor: User, reviewer: User) -> Case:
        """Take a demo case through submission, peer review, acceptance and publication, as on
        the site.

        Its images are processed first, by the task's own function, so that the demo does not
        depend on a worker being up (where there is one, it finds them done). A case whose
        checklist is incomplete (an image that could not be processed) stays a draft that shows
        what blocks it; publication would refuse it anyway.
        """
        pending = Figure.objects.filter(
            study__case=case,
            status__in=[Figure.ProcessingStatus.PENDING, Figure.ProcessingStatus.PROCESSING],
        ).exclude(original="")
        for figure_id in pending.values_list("pk", flat=True):
            process_figure(figure_id)
        case.refresh_from_db()
        if publication_blockers(case):
            return case
        if case.status == Case.Status.DRAFT:
            case = submit_case(case, by=author, note="A demo case, ready for the editor.")
        if case.status in (Case.Status.SUBMITTED, Case.Status.IN_REVIEW):
            if not case.reviews.filter(status=Review.Status.COMPLETED).exists():
                review = case.reviews.filter(
                    reviewer=reviewer, status=Review.Status.ASSIGNED
                ).first()
                if review is None:
                    review = assign_reviewer(
                        case, by=editor, reviewer=reviewer, due_date=default_due_date()
                    )
                submit_review(
                    review,
                    by=reviewer,
                    recommendation=Review.Recommendation.ACCEPT,
                    comments_to_authors="Images and text agree; ready to publish.",
                )
            case = accept_case(case, by=editor, message="Accepted for the demo after review.")
        if case.status == Case.Status.ACCEPTED:
            case = publish_case(case, by=editor)
        return case

    @transaction.atomic
    def start_review_round(self, *, author: User, editor: User, reviewer: User) -> None:
        """Send the demo author's first imported draft to peer review, so every dashboard has
        work.

        Done through the workflow services, like on the site; once any demo case has been
        reviewed, running the demo again leaves them alone.
        """
        mine = Case.objects.visible_to(author).filter(created_by=author)
        if Review.objects.filter(case__in=mine).exists():
            return
        imaged = [document["title"] for document in DEMO_IMAGED_CASES]
        draft = (
            mine.filter(status=Case.Status.DRAFT).exclude(title__in=imaged).order_by("pk").first()
        )
        if draft is None or not reviewer.has_role(Role.REVIEWER):
            return
        try:
            submit_case(draft, by=author, note="Ready for review: images to follow.")
            assign_reviewer(
                draft,
                by=editor,
                reviewer=reviewer,
                due_date=timezone.localdate() + datetime.timedelta(days=REVIEW_DAYS),
            )
        except (ValidationError, PermissionDenied) as error:
            self.stderr.write(f"  The demo review round was not started: {error}")
            return
        self.stdout.write(f"  {draft.title} — submitted and in review by {reviewer}")

    @transaction.atomic
    def offer_unknowns(self, *, author: User) -> None:
        """Offer the published demo cases that have questions as unknowns, once."""
        published = Case.objects.visible_to(author).filter(
            created_by=author,
            status=Case.Status.PUBLISHED,
            in_unknown_mode=False,
            questions__isnull=False,
        )
        for case in published.distinct():
            case.in_unknown_mode = True
            case.save(update_fields=["in_unknown_mode"])
            self.stdout.write(f"  {case.title} — offered as an unknown")

    @staticmethod
    def describe(case: Case) -> str:
        if case.is_published:
            return "published, featured" if case.featured else "published"
        blockers = publication_blockers(case)
        if not blockers:
            return case.status
        return f"{case.status}, not published; unmet on its checklist: " + "; ".join(blockers)

    def print_users(self, users: dict[str, User]) -> None:
        rows = [
            (user.username, ", ".join(sorted(user.role_names())) or "-", str(user))
            for user in users.values()
        ]
        width = max(len(username) for username, _, _ in rows)
        role_width = max(len(roles) for _, roles, _ in rows)
        self.stdout.write("")
        self.stdout.write("Demo users:")
        self.stdout.write(f"  {'username':<{width}}  {'roles':<{role_width}}  name")
        for username, roles, name in rows:
            self.stdout.write(f"  {username:<{width}}  {roles:<{role_width}}  {name}")
        self.stdout.write("")
        self.stdout.write(
            f"Password of every demo user: {DEMO_PASSWORD} (set when the user is created; "
            "for development only)"
        )
        self.stdout.write(self.style.SUCCESS(f"Teaching File: {settings.SITE_URL}/"))
