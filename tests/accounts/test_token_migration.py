"""API tokens moved from the `api` app to `accounts`: a token made before the move still
signs its owner in after the database is migrated forward."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.api.authentication import TokenAuthentication
from accounts.models import ApiToken, hash_key

BEFORE = [("accounts", "0004_suspension"), ("api", "0001_initial")]
KEY = "tf_a-key-made-before-tokens-moved-to-accounts"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_token_made_before_the_move_still_authenticates_after_it():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    old_apps = _migrate(BEFORE)
    assert "api_apitoken" in connection.introspection.table_names()
    OldUser = old_apps.get_model("accounts", "User")
    OldToken = old_apps.get_model("api", "ApiToken")
    owner = OldUser.objects.create(username="pacs-owner", is_active=True)
    OldToken.objects.create(user=owner, name="PACS export", prefix=KEY[:10], key_hash=hash_key(KEY))

    _migrate(latest)

    tables = connection.introspection.table_names()
    assert "accounts_apitoken" in tables
    assert "api_apitoken" not in tables
    token = ApiToken.objects.get(name="PACS export")
    assert token.user.username == "pacs-owner"
    user, authenticated_by = TokenAuthentication().authenticate_credentials(KEY)
    assert user.username == "pacs-owner"
    assert authenticated_by == token
