"""Example context of every message: the keys each template needs, for previews and tests.

``…_path`` values are paths below the base URL; the renderer adds the matching ``…_url``.
``status`` is a ``clico_core.tickets.TicketStatus`` value; a ``name`` may be empty (a mail to
the support inbox). No ticket mail carries an article's text. ``thread`` (``THREAD_KEY``) is
the ticket's id: the renderer threads every mail carrying it under one root Message-ID.
"""

from __future__ import annotations

from collections.abc import Mapping

from clico_core.mail import MailTemplate

SAMPLE_CONTEXTS: Mapping[MailTemplate, Mapping[str, str]] = {
    MailTemplate.CONFIRM_EMAIL: {"name": "Łucja Żółkiewska", "login": "lucja",
                                 "link_path": "/confirm/Zm9vYmFyLXNlY3JldC10b2tlbg"},
    MailTemplate.ACCOUNT_EXISTS: {"login": "lucja", "reset_path": "/password/forgot"},
    MailTemplate.LOGIN_TAKEN: {"login": "lucja", "signup_path": "/signup",
                               "signin_path": "/signin"},
    MailTemplate.PASSWORD_RESET: {"name": "Łucja Żółkiewska", "login": "lucja",
                                  "link_path": "/password/reset/cmVzZXQtc2VjcmV0",
                                  "minutes": "60"},
    MailTemplate.STAFF_INVITATION: {"name": "Paweł Śliwiński", "login": "pawel@clico.pl",
                                    "role": "engineer",
                                    "link_path": "/password/reset/aW52aXRhdGlvbi1zZWNyZXQ",
                                    "minutes": "1440"},
    MailTemplate.SIGN_IN_CODE: {"name": "Łucja Żółkiewska", "code": "042917", "minutes": "10"},
    MailTemplate.PASSWORD_CHANGED: {"name": "Łucja Żółkiewska", "login": "lucja"},
    MailTemplate.TWO_FACTOR_CHANGED: {"name": "Łucja Żółkiewska", "login": "lucja",
                                      "enabled": "yes"},
    MailTemplate.CONTRACT_ACTIVATED: {"name": "Łucja Żółkiewska", "number": "CLICO-2026-0042",
                                      "valid_until": "2027-11-25"},
    MailTemplate.TICKET_CREATED: {"name": "Łucja Żółkiewska", "thread": "5f0c2b9e41d84a7c",
                                  "number": "CSS-000123",
                                  "subject": "Tunel IPsec zrywa się co godzinę",
                                  "kind": "technical", "link_path": "/tickets/CSS-000123"},
    MailTemplate.TICKET_CHANGED: {"name": "Łucja Żółkiewska", "thread": "5f0c2b9e41d84a7c",
                                  "number": "CSS-000123",
                                  "subject": "Tunel IPsec zrywa się co godzinę",
                                  "status": "waiting_for_customer",
                                  "link_path": "/tickets/CSS-000123"},
    MailTemplate.TICKET_REPLY: {"name": "Łucja Żółkiewska", "thread": "5f0c2b9e41d84a7c",
                                "number": "CSS-000123",
                                "subject": "Tunel IPsec zrywa się co godzinę",
                                "status": "open", "author": "Paweł Śliwiński",
                                "link_path": "/tickets/CSS-000123"},
    MailTemplate.TICKET_CLOSING_SOON: {"name": "Łucja Żółkiewska",
                                       "thread": "5f0c2b9e41d84a7c",
                                       "number": "CSS-000123",
                                       "subject": "Tunel IPsec zrywa się co godzinę",
                                       "status": "resolved", "closes_on": "2026-12-02",
                                       "link_path": "/tickets/CSS-000123"},
    MailTemplate.TICKET_SLA_ALERT: {"name": "Paweł Śliwiński", "thread": "5f0c2b9e41d84a7c",
                                    "number": "CSS-000123",
                                    "subject": "Tunel IPsec zrywa się co godzinę",
                                    "status": "open", "alert": "breach",
                                    "clock": "first_response", "due": "2026-12-03 10:00",
                                    "about": "staff",
                                    "link_path": "/tickets/CSS-000123"},
}
