"""The one visibility rule, as a matrix: every persona against every kind of case."""

import pytest

from cases import permissions
from cases.models import Case, CaseAuthor
from tests.factories import make_case

PERSONAS = [
    "anonymous",
    "author",
    "coauthor",
    "reviewer",
    "editor",
    "moderator",
    "trainee",
    "outsider",
]

# kind of case -> personas who may read it. The trainee shares the author's institution; the
# outsider belongs to another one; the reviewer has no assignment on these cases.
CAN_READ = {
    "published_public": set(PERSONAS),
    "published_unlisted": set(PERSONAS),
    "published_institution": {"author", "coauthor", "editor", "moderator", "trainee"},
    "published_private": {"author", "coauthor", "editor", "moderator"},
    "draft": {"author", "coauthor"},
    "withdrawn": {"author", "coauthor"},
    "submitted": {"author", "coauthor", "editor"},
    "changes_requested": {"author", "coauthor", "editor"},
    "retracted": {"author", "coauthor", "editor"},
}

CASE_FIELDS = {
    "published_public": {"status": "published", "visibility": "public"},
    "published_unlisted": {"status": "published", "visibility": "unlisted"},
    "published_institution": {"status": "published", "visibility": "institution"},
    "published_private": {"status": "published", "visibility": "private"},
    "draft": {"status": "draft", "visibility": "public"},
    "withdrawn": {"status": "withdrawn", "visibility": "public"},
    "submitted": {"status": "submitted", "visibility": "public"},
    "changes_requested": {"status": "changes_requested", "visibility": "public"},
    "retracted": {"status": "retracted", "visibility": "public"},
}


@pytest.fixture
def cases_of_every_kind(author, coauthor, institution):
    cases = {}
    for kind, fields in CASE_FIELDS.items():
        case = make_case(author=author, title=kind, institution=institution, **fields)
        CaseAuthor.objects.create(case=case, user=coauthor, position=1)
        cases[kind] = case
    return cases


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reads_exactly_the_cases_the_rule_allows(
    request, persona, cases_of_every_kind
):
    user = request.getfixturevalue(persona)
    visible = set(Case.objects.visible_to(user).values_list("title", flat=True))
    expected = {kind for kind, readers in CAN_READ.items() if persona in readers}
    assert visible == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_view_agrees_with_the_queryset(request, persona, cases_of_every_kind):
    user = request.getfixturevalue(persona)
    for kind, case in cases_of_every_kind.items():
        assert permissions.can_view(user, case) == (persona in CAN_READ[kind]), kind


def test_unlisted_and_unpublished_cases_are_never_listed(cases_of_every_kind, editor):
    listed = set(Case.objects.visible_to(editor).listed().values_list("title", flat=True))
    assert listed == {"published_public", "published_institution", "published_private"}


def test_superuser_reads_every_case(cases_of_every_kind, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-xyz-123")
    assert Case.objects.visible_to(admin).count() == len(CASE_FIELDS)


def test_institution_case_without_an_institution_is_read_by_nobody_outside_the_authors(
    author, trainee
):
    make_case(author=author, title="orphan", visibility="institution", institution=None)
    assert not Case.objects.visible_to(trainee).filter(title="orphan").exists()


def test_visibility_rule_is_one_query_whatever_the_roles(author, django_assert_num_queries):
    # One query for the roles of the user (cached on the instance), one for the cases.
    with django_assert_num_queries(2):
        list(Case.objects.visible_to(author))
    with django_assert_num_queries(1):
        list(Case.objects.visible_to(author))


def test_authors_may_edit_only_their_drafts_and_returned_cases(author, coauthor, trainee, editor):
    draft = make_case(author=author, published=False)
    CaseAuthor.objects.create(case=draft, user=coauthor, position=1)
    published = make_case(author=author)
    assert permissions.can_edit(author, draft)
    assert permissions.can_edit(coauthor, draft)
    assert not permissions.can_edit(trainee, draft)
    assert not permissions.can_edit(editor, draft)
    assert not permissions.can_edit(author, published)
    draft.status = Case.Status.CHANGES_REQUESTED
    assert permissions.can_edit(author, draft)
