"""A script's view of the API: only ``httpx`` and a token from ``clico tokens create``,
against a real ``clico serve`` (SQLite and PostgreSQL in turn). It opens a technical ticket
with a file, replies, and lists the tickets page by page."""

from __future__ import annotations

import httpx

from .served import Served

ANSWER_BY_KIND = {"yes_no": "no", "date": "2026-11-24", "text": "Nothing else."}


def _answers(questions: list[dict[str, object]]) -> dict[str, str]:
    answers = {}
    for question in questions:
        choices = question["choices"]
        kind = str(question["kind"])
        answers[str(question["id"])] = (str(choices[0]) if kind == "choice" and choices  # type: ignore[index]
                                        else ANSWER_BY_KIND.get(kind, "n/a"))
    return answers


def test_a_script_opens_a_ticket_with_a_file_replies_and_pages_the_list(
        served_portal: Served) -> None:
    served_portal.clico("demo")
    created = served_portal.clico("tokens", "create", "--login", "demo", "--scope", "write",
                                  "--expires", "90d")
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("clico_pat_")
    api = httpx.Client(base_url=served_portal.base + "/api/v1",
                       headers={"Authorization": f"Bearer {token}"}, timeout=30)
    with api:
        asset_id = api.get("/assets").raise_for_status().json()["items"][0]["id"]
        asset = api.get(f"/assets/{asset_id}").raise_for_status().json()
        opened = api.post("/tickets", headers={"Idempotency-Key": "script-1"}, json={
            "kind": "technical", "subject": "Tunnel drops", "description": "Every hour.",
            "asset_id": asset_id, "answers": _answers(asset["questions"])})
        assert opened.status_code == 201, opened.text
        number = opened.json()["number"]
        upload = api.post("/attachments", params={"name": "ike.log"},
                          content=b"IKE SA expired\n")
        assert upload.status_code == 201, upload.text
        reply = api.post(f"/tickets/{number}/replies",
                         headers={"If-Match": opened.headers["ETag"],
                                  "Idempotency-Key": "script-2"},
                         json={"body": "The log.", "attachment_ids": [upload.json()["id"]]})
        assert reply.status_code == 201, reply.text
        for index in range(11):
            api.post("/tickets", json={"kind": "administrative", "subject": f"Invoice {index}",
                                       "description": "Please resend."}).raise_for_status()
        numbers: list[str] = []
        cursor = ""
        while True:
            page = api.get("/tickets", params={"size": "10", "cursor": cursor}).json()
            numbers += [row["number"] for row in page["items"]]
            cursor = page["next_cursor"] or ""
            if not cursor:
                break
        assert len(numbers) == len(set(numbers)) >= 12 and number in numbers
        files = api.get(f"/tickets/{number}/articles").json()["items"][-1]["attachments"]
        content = api.get(f"/attachments/{files[0]['id']}").content
        assert content == b"IKE SA expired\n"
