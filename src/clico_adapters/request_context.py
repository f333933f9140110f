"""What one web request carries through the layers below it: its id and a statement count.

The web sets both at the start of a request (``clico_web.observability``); the thread pool
that runs the service calls copies the context, so the outbox stamps each mail it queues
with the request's id and the SQL engine counts the statements the request made. Outside a
request (jobs, commands) there is no id and nothing is counted.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

from attrs import define

_REQUEST_ID: ContextVar[str] = ContextVar("clico_request_id", default="")
_STATEMENTS: ContextVar[StatementCount | None] = ContextVar("clico_statements", default=None)


@define
class StatementCount:
    """A mutable count shared by every thread the request's calls run on."""

    n: int = 0


def current_request_id() -> str:
    """The id of the web request being served, "" outside one."""
    return _REQUEST_ID.get()


def begin_request(request_id: str) -> tuple[Token[str], Token[StatementCount | None],
                                            StatementCount]:
    """Mark the start of a request; ``end_request`` with the tokens restores the context."""
    count = StatementCount()
    return _REQUEST_ID.set(request_id), _STATEMENTS.set(count), count


def end_request(tokens: tuple[Token[str], Token[StatementCount | None],
                              StatementCount]) -> None:
    _REQUEST_ID.reset(tokens[0])
    _STATEMENTS.reset(tokens[1])


def count_statement() -> None:
    """One SQL statement for the request being served (nothing outside one)."""
    count = _STATEMENTS.get()
    if count is not None:
        count.n += 1
