"""What happened to an article besides its publications: it was unpublished, a file was
attached or removed. Shown with the versions in its history (who, when); a file belongs to
the article, not to a version, so restoring an old version leaves the files as they are."""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import frozen

from ..values import AccountId


class KbChangeKind(enum.StrEnum):
    UNPUBLISHED = "unpublished"  # ``Wycofaj publikację``: a draft again
    ATTACHED = "attached"  # detail: the file's name
    DETACHED = "detached"  # detail: the file's name


@frozen
class KbChange:
    article_id: str
    kind: KbChangeKind
    by: AccountId
    by_name: str  # as it was then
    at: datetime
    detail: str = ""  # a file's name; never the article's text
