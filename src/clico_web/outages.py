"""What the portal says when the database is away or cannot take writes: the request did
nothing, and the same request will work once the database is back (docs/operations.md)."""

from __future__ import annotations

from clico_adapters.compose import Outage

OUTAGE_MESSAGES = {
    Outage.UNAVAILABLE: "The portal is briefly unavailable. Nothing was saved: please try "
                        "again in a moment.",
    Outage.CANNOT_WRITE: "The portal cannot save changes right now. Nothing was saved: "
                         "please try again later. Pages can still be viewed.",
}
RETRY_AFTER_SECONDS = 10
