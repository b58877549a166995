"""The header's markup: a Menu button that folds the links on a phone, loaded from a static
script (the CSP allows no inline one), and the account links behind the member's name."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def header_of(client) -> str:
    content = client.get(reverse("home")).content.decode()
    return content.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def test_the_menu_button_controls_the_folding_menu(client):
    header = header_of(client)
    assert '<button type="button" class="menu-toggle" aria-expanded="false" ' in header
    assert 'aria-controls="site-menu"' in header and 'id="site-menu"' in header


def test_the_menu_script_is_a_static_file(client):
    content = client.get(reverse("home")).content.decode()
    assert 'src="/static/js/site-menu.js"' in content
    assert "<script>" not in content


def test_a_member_finds_the_profile_and_log_out_behind_their_name(client, trainee):
    client.force_login(trainee)
    header = header_of(client)
    menu = header.split('<details class="user-menu">', 1)[1].split("</details>", 1)[0]
    assert '<span class="account-name">Tess Trainee</span>' in menu
    assert f'href="{reverse("account_profile")}"' in menu and "Log out" in menu


def test_a_visitor_sees_log_in_and_sign_up(client):
    header = header_of(client)
    assert ">Log in</a>" in header and ">Sign up</a>" in header
    assert "user-menu" not in header
