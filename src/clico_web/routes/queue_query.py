"""The staff queue's URL: the ticket list's parameters (``ticket_query``) plus the saved view
and the staff filters (``engineer``, ``vendor``, ``age``), read by the core's
``read_queue``; the links it makes are the list's, at ``/staff/queue``."""

from __future__ import annotations

from attrs import frozen
from starlette.datastructures import QueryParams

from clico_core.queue import DEFAULT_SORT, QueueParams, QueueQuery, QueueView, read_queue

from .ticket_query import FILTER_KEYS, ListView, list_params, normal_params

PATH = "/staff/queue"
QUEUE_FILTER_KEYS = (*FILTER_KEYS, "engineer", "vendor", "age")
VIEW_LABELS = {  # the saved views' tabs (msgids), in order
    QueueView.UNASSIGNED: "Unassigned", QueueView.MINE: "Mine",
    QueueView.WAITING: "Waiting for customer", QueueView.OPEN: "All open",
}


@frozen
class QueueLinks:
    """The queue as read from its URL, and the list's links at the queue's path."""

    queue: QueueQuery
    list: ListView

    def view_url(self, view: QueueView) -> str:
        """A saved view's tab: the view alone, with the page size kept."""
        size = self.list.value("size")
        query = f"view={view.value}" + (f"&size={size}" if size else "")
        return f"{PATH}?{query}"


def parse_queue_view(params: QueryParams) -> QueueLinks:
    """Read the queue's URL through the core; a bad cursor is its ``ValidationFailed``."""
    queue = read_queue(QueueParams(
        view=params.get("view"), list=list_params(params), engineer=params.get("engineer"),
        vendor=params.get("vendor"), age=params.get("age")))
    query = queue.query
    normal = [("view", queue.view.value), *normal_params(query, DEFAULT_SORT)]
    for key, value in (("engineer", query.assignee_id), ("vendor", query.vendor),
                       ("age", str(queue.age_days) if queue.age_days else None)):
        if value:
            normal.append((key, value))
    filters_open = params.get("filters") == "1" or any(
        k in QUEUE_FILTER_KEYS for k, _ in normal)
    if params.get("filters") == "1":
        normal.append(("filters", "1"))
    return QueueLinks(queue, ListView(query, tuple(normal), filters_open, PATH))
