"""`python manage.py demo`: demo users for every role and the demo cases, idempotently.

It lives in the project package because it loads every app (cases, reviews, accounts).

Cases come from the seed documents (`settings.SEED_CASES_DIR`) when that folder exists, and
from the project's own cases in `cases/demo_data/` otherwise. A case is published only when its
source states a licence; the demo never invents a licence, a consent or an image, so the others
stay drafts of the demo author, who sees what blocks their publication.

The files in `cases/demo_data/` were written for this project in the layouts of the seeds, so the
importer reads them the same way. Their patients are fictional; their consent and licence
sentences are part of the demo content; the review's references are real publications. Three
state a licence (01, 02, 05) and are published; 03 (a case) and 04 (a topic review) state none
and stay unpublished. 02 has a patient of 93, shown as "90+".

So that the author, reviewer and editor dashboards show work, the first unpublished case is
submitted by the demo author and sent to the demo reviewer by the demo editor.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Institution, Role, User
from cases.models import Case, CaseEvent, QuizQuestion
from cases.services import (
    create_case_from_document,
    feature_case,
    publish_imported_case,
    submit_case,
)
from interchange.importer import EmptyReportError, parse_case_report
from reviews.services import assign_reviewer

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


@dataclass(frozen=True)
class DemoQuestion:
    stem: str
    options: tuple[str, ...]
    answer: int
    explanation: str


# Multiple-choice questions for the published demo cases, matched by a phrase of the final
# diagnosis, so that unknown mode has something to ask. Written for the demo, not taken from
# the case texts.
DEMO_QUIZZES: dict[str, tuple[DemoQuestion, ...]] = {
    "tumoral calcinosis": (
        DemoQuestion(
            "In a patient on long-term dialysis, which diagnosis best fits lobulated "
            "periarticular calcified masses with fluid-calcium levels?",
            (
                "Secondary tumoral calcinosis",
                "Synovial sarcoma",
                "Gouty tophi",
                "Myositis ossificans",
            ),
            0,
            "A raised calcium-phosphate product in chronic kidney disease deposits calcium around "
            "joints; the layering (sedimentation) levels are typical.",
        ),
        DemoQuestion(
            "Which treatment most often makes the deposits regress?",
            (
                "Correcting the calcium-phosphate balance",
                "Radiotherapy",
                "Wide excision alone",
                "Long-term antibiotics",
            ),
            0,
            "Better dialysis, phosphate binders or parathyroidectomy shrink the masses; excision "
            "alone is often followed by recurrence.",
        ),
    ),
    "myositis ossificans": (
        DemoQuestion(
            "Which pattern of mineralisation favours myositis ossificans over extraskeletal "
            "osteosarcoma?",
            (
                "Mature ossification at the periphery, less mature centre",
                "Dense central ossification with an ill-defined edge",
                "A Codman triangle",
                "No mineralisation at all",
            ),
            0,
            "The zonal pattern, mature at the edge, is the key sign; osteosarcoma mineralises "
            "from the centre outwards.",
        ),
    ),
    "insufficiency fracture": (
        DemoQuestion(
            "Which uptake pattern on bone scintigraphy is classic for bilateral sacral "
            "insufficiency fractures?",
            ("H-shaped (Honda sign)", "Diffuse superscan", "A photopenic defect", "Rim uptake"),
            0,
            "Vertical fractures of both sacral alae joined by a horizontal one form the H.",
        ),
    ),
    "calcific tendin": (
        DemoQuestion(
            "What does a faint, cloudy outline of a rotator cuff calcium deposit suggest?",
            (
                "The resorptive phase",
                "The resting phase",
                "A full-thickness tear",
                "Osteoarthritis",
            ),
            0,
            "Deposits soften and lose their sharp outline while they are resorbed, the painful "
            "phase.",
        ),
    ),
}


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
        self.add_quizzes(author=author)
        self.print_users(users)

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
        paths = sorted(folder.glob("*.txt"))
        self.stdout.write(f"Demo cases from {folder} ({len(paths)} files):")
        featured = 0
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
            existing = (
                Case.objects.visible_to(author).filter(created_by=author, title=title).first()
            )
            if existing is not None:
                self.stdout.write(f"  {title} — {existing.status}, already loaded")
                continue
            try:
                case, feature = self.save_case(
                    document, author=author, editor=editor, feature=featured < FEATURED_CASES
                )
            except (ValidationError, PermissionDenied) as error:
                self.stderr.write(f"  {path.name}: not loaded: {error}")
                continue
            featured += feature
            self.stdout.write(f"  {case.title} — {self.describe(case, featured=feature)}")

    @transaction.atomic
    def save_case(
        self, document: dict, *, author: User, editor: User, feature: bool
    ) -> tuple[Case, bool]:
        # The source is only what the report itself states: a file name is not a publication.
        case = create_case_from_document(document, author=author)
        if not case.licence:
            return case, False
        case = publish_imported_case(case)
        if feature:
            case = feature_case(case, by=editor)
        return case, feature

    @transaction.atomic
    def start_review_round(self, *, author: User, editor: User, reviewer: User) -> None:
        """Send the demo author's first draft to peer review, so every dashboard has work.

        Done through the workflow services, like on the site; once any demo case has been
        through the workflow, running the demo again leaves them alone.
        """
        mine = Case.objects.visible_to(author).filter(created_by=author)
        if CaseEvent.objects.filter(case__in=mine).exists():
            return
        draft = mine.filter(status=Case.Status.DRAFT).order_by("pk").first()
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
    def add_quizzes(self, *, author: User) -> None:
        """Offer the published demo cases as unknowns, with their questions, once."""
        published = Case.objects.visible_to(author).filter(
            created_by=author, status=Case.Status.PUBLISHED, questions__isnull=True
        )
        for case in published:
            diagnosis = f"{case.final_diagnosis} {case.title}".lower()
            questions = next(
                (quiz for phrase, quiz in DEMO_QUIZZES.items() if phrase in diagnosis), ()
            )
            if not questions:
                continue
            QuizQuestion.objects.bulk_create(
                QuizQuestion(
                    case=case,
                    position=position,
                    stem=question.stem,
                    options=list(question.options),
                    answer=question.answer,
                    explanation=question.explanation,
                )
                for position, question in enumerate(questions)
            )
            case.in_unknown_mode = True
            case.save(update_fields=["in_unknown_mode"])
            self.stdout.write(
                f"  {case.title} — offered as an unknown, {len(questions)} question"
                + "s" * (len(questions) != 1)
            )

    @staticmethod
    def describe(case: Case, *, featured: bool) -> str:
        if case.is_published:
            return "published, featured" if featured else "published"
        return f"{case.status}, not published: no licence stated"

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
