"""What pages show beside a use case's answer: the time, safe rich text, a questionnaire."""

from __future__ import annotations

from datetime import datetime

from ..questionnaires import Questionnaire
from .context import Ports


def now(ports: Ports) -> datetime:
    """The current time on the services' clock (pages show ages relative to it)."""
    return ports.clock.now()


def sanitize(html: str, ports: Ports) -> str:
    """Rich text made safe by the configured sanitizer (running it twice changes nothing)."""
    return ports.sanitize(html)


def questionnaire(questionnaire_id: str, ports: Ports) -> Questionnaire:
    """The questionnaire of that id (the default one for an id it does not know)."""
    return ports.questionnaires.get(questionnaire_id)
