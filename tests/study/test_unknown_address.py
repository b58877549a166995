"""An unknown's address holds its code, never the case number: the number leads to the case page,
and so to the diagnosis. The code is the one in the label, and reads back to the case only with
the site's secret key."""

from __future__ import annotations

import random
import re
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Case
from study import labels, services
from study.models import ReviewQueueEntry
from study.views import unknown_url
from tests.factories import make_unknown

# A case number that appears nowhere else on a page by chance.
NUMBER = 987_654
BIGGEST = labels.MAX_CODE_ID
FIRST_SIX = 32**labels.CODE_LENGTH  # the first number with a six-character code


def sample_numbers() -> list[int]:
    numbers = random.Random(7).sample(range(1, 10**7 + 1), 3000)
    return [*range(1, 1001), *numbers, FIRST_SIX - 1, FIRST_SIX, FIRST_SIX + 1, BIGGEST]


# --- The code --------------------------------------------------------------------------------


def test_every_code_reads_back_to_its_case_number():
    for number in sample_numbers():
        code = labels.encode_unknown(number)
        assert labels.decode_unknown(code) == number, (number, code)
        assert set(code) <= set(labels.CODE_ALPHABET)


def test_codes_are_distinct_five_characters_for_the_first_32_to_the_fifth_cases_then_longer():
    numbers = sample_numbers()
    codes = [labels.encode_unknown(number) for number in numbers]
    assert len(set(codes)) == len(codes)
    for number, code in zip(numbers, codes, strict=True):
        if number < FIRST_SIX:
            assert len(code) == labels.CODE_LENGTH
    assert len(labels.encode_unknown(FIRST_SIX)) == labels.CODE_LENGTH + 1
    assert len(labels.encode_unknown(BIGGEST)) == labels.MAX_CODE_LENGTH


def test_codes_look_unrelated_to_the_case_numbers():
    codes = [labels.encode_unknown(number) for number in range(1, 1001)]
    for number, code in enumerate(codes, start=1):
        assert code != str(number).zfill(labels.CODE_LENGTH)
    # The number within its code no more often than chance has it.
    assert sum(str(number) in code for number, code in enumerate(codes[99:], start=100)) < 10
    # Neighbouring numbers share about one character in 32 at each position, not a prefix.
    same = sum(
        left == right
        for first, second in zip(codes, codes[1:], strict=False)
        for left, right in zip(first, second, strict=True)
    )
    assert same < len(codes) * labels.CODE_LENGTH / 8
    assert codes != sorted(codes)


def test_another_secret_key_gives_other_codes():
    codes = [labels.encode_unknown(number) for number in range(1, 101)]
    with override_settings(SECRET_KEY="another secret key for the codes of unknowns"):
        others = [labels.encode_unknown(number) for number in range(1, 101)]
        assert [labels.decode_unknown(code) for code in others] == list(range(1, 101))
    assert sum(code == other for code, other in zip(codes, others, strict=True)) < 5


@pytest.mark.parametrize(
    "code",
    ["", "1234", "NEXT", "ABCDU", "AB-CD", "AB CD", "ÄBCDE", "ßXXXX", "Z" * 14, "Z" * 13, None, 5],
)
def test_what_is_not_a_code_reads_as_nothing(code):
    assert labels.decode_unknown(code) is None


def test_a_code_typed_in_lower_case_or_with_look_alike_letters_reads_the_same():
    code = labels.encode_unknown(NUMBER)
    assert labels.decode_unknown(code.lower()) == NUMBER
    assert labels.decode_unknown(code.replace("1", "l").replace("0", "o")) == NUMBER


# --- The page ----------------------------------------------------------------------------------


@pytest.fixture
def numbered(author) -> Case:
    return make_unknown(author, id=NUMBER)


def links_of(html: str) -> list[str]:
    return re.findall(r'(?:href|action|src|data-[a-z-]+)="([^"]*)"', html)


@pytest.mark.django_db
def test_the_unknown_is_at_its_code_and_its_label_has_the_same_code(client, trainee, numbered):
    client.force_login(trainee)
    code = labels.unknown_code(numbered)
    url = reverse("unknown", args=[code])
    assert url == f"/unknowns/{code}/" == unknown_url(NUMBER)
    html = client.get(url).content.decode()
    assert f"Unknown {code}" in html and f'action="{url}"' in html


@pytest.mark.django_db
def test_no_page_before_the_diagnosis_gives_the_case_number_away(client, trainee, author, numbered):
    ReviewQueueEntry.objects.create(user=trainee, case=numbered, due_on="2020-01-01")
    client.force_login(trainee)
    unknown_html = client.get(unknown_url(NUMBER)).content.decode()
    list_html = client.get(reverse("unknown-list")).content.decode()
    queue_html = client.get(reverse("review-queue")).content.decode()
    attempt = services.start_attempt(user=trainee, case=numbered, answer="Bursitis")
    attempt_html = client.get(reverse("attempt-detail", args=[attempt.pk])).content.decode()
    for html in (unknown_html, list_html, queue_html):
        assert unknown_url(NUMBER) in html
    for html in (unknown_html, list_html, queue_html, attempt_html):
        assert f"/cases/{NUMBER}/" not in html
        assert not [link for link in links_of(html) if str(NUMBER) in link]
        assert str(NUMBER) not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/unknowns/ABCDU/",
        "/unknowns/1234/",
        "/unknowns/" + "Z" * 13 + "/",
        "/unknowns/" + "0" * 40 + "/",
        "/unknowns/%C3%84BCDE/",
        "/unknowns/%00ABCD/",
        "/unknowns/AB%20CD/",
        "/unknowns/ABC.D/",
    ],
)
def test_what_is_not_an_unknown_code_is_a_404(client, trainee, path):
    client.force_login(trainee)
    assert client.get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"published": False},
        {"in_unknown_mode": False},
        {"visibility": Case.Visibility.PRIVATE},
        {"status": Case.Status.RETRACTED},
    ],
    ids=["draft", "not an unknown", "private", "retracted"],
)
def test_the_code_of_a_case_one_may_not_study_is_a_404_at_both_addresses(
    client, trainee, author, fields
):
    case = make_unknown(author, **fields)
    client.force_login(trainee)
    assert client.get(unknown_url(case.pk)).status_code == 404
    assert client.get(reverse("case-unknown", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_the_code_of_no_case_is_a_404(client, trainee, numbered):
    client.force_login(trainee)
    assert client.get(unknown_url(NUMBER + 1)).status_code == 404
    assert client.get(quote(unknown_url(BIGGEST))).status_code == 404


@pytest.mark.django_db
def test_a_code_typed_in_lower_case_is_sent_to_the_one_address(client, trainee, numbered):
    client.force_login(trainee)
    code = labels.unknown_code(numbered)
    response = client.get(f"/unknowns/{code.lower()}/?modality=CT")
    assert response.status_code == 301
    assert response.url == f"{unknown_url(NUMBER)}?modality=CT"


@pytest.mark.django_db
def test_the_old_address_sends_those_who_may_study_the_unknown_to_its_code(
    client, trainee, numbered, django_assert_max_num_queries
):
    client.force_login(trainee)
    with django_assert_max_num_queries(5):
        response = client.get(f"/cases/{NUMBER}/unknown/?modality=CT")
    assert response.status_code == 302
    assert response.url == f"{unknown_url(NUMBER)}?modality=CT"
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_an_answer_sent_to_the_old_address_is_sent_on_as_it_is(client, trainee, numbered):
    client.force_login(trainee)
    response = client.post(f"/cases/{NUMBER}/unknown/", {"answer": "Bursitis"})
    assert response.status_code == 307 and response.url == unknown_url(NUMBER)
    client.post(response.url, {"answer": "Bursitis"})
    assert numbered.attempts.get().answer == "Bursitis"


@pytest.mark.django_db
def test_the_old_address_asks_visitors_to_log_in(client, numbered):
    response = client.get(f"/cases/{NUMBER}/unknown/")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    response = client.get(unknown_url(NUMBER))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={quote(unknown_url(NUMBER))}"


@pytest.mark.django_db
def test_the_case_page_links_its_unknown_by_code(client, trainee, numbered):
    client.force_login(trainee)
    html = client.get(numbered.get_absolute_url()).content.decode()
    assert f'href="{unknown_url(NUMBER)}"' in html


@pytest.mark.django_db
def test_the_api_gives_the_unknowns_page_at_its_code(trainee, numbered):
    api = APIClient()
    api.force_authenticate(trainee)
    rows = api.get("/api/v1/unknowns/").json()["results"]
    assert [row["page_url"] for row in rows] == [unknown_url(NUMBER)]
    assert rows[0]["id"] == NUMBER
    ReviewQueueEntry.objects.create(user=trainee, case=numbered, due_on="2020-01-01")
    entries = api.get("/api/v1/review-queue/").json()["results"]
    assert [entry["page_url"] for entry in entries] == [unknown_url(NUMBER)]
