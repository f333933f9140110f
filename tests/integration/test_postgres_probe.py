"""The probe that lets a newcomer's run use PostgreSQL at the default URL without settings."""

from __future__ import annotations

from ..postgres_probe import postgres_answers


def test_a_running_server_answers(postgres_server_url: str) -> None:
    assert postgres_answers(postgres_server_url)


def test_a_wrong_database_name_is_no_server(postgres_server_url: str) -> None:
    from sqlalchemy.engine import make_url

    missing = make_url(postgres_server_url).set(database="clico_no_such_database_x")
    assert not postgres_answers(missing.render_as_string(hide_password=False))
