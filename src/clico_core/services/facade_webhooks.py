"""The webhook use cases of the ``Services`` facade (a part of it, kept in its own file)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import webhooks
from .context import Ports, Viewer

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ParamSpec, TypeVar

    P = ParamSpec("P")
    T = TypeVar("T")


class WebhookMethods:
    """Mixed into ``Services``; ``_again`` is the facade's rerun on a transient conflict."""

    ports: Ports

    @staticmethod
    def _rerun(use_case: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        from .facade import _again
        return _again(use_case, *args, **kwargs)

    def register_webhook(self, viewer: Viewer, cmd: webhooks.RegisterWebhook
                         ) -> webhooks.NewWebhook:
        return self._rerun(webhooks.register_webhook, viewer, cmd, self.ports)

    def list_webhooks(self, viewer: Viewer) -> tuple[webhooks.WebhookRow, ...]:
        return self._rerun(webhooks.list_webhooks, viewer, self.ports)

    def webhook_log(self, viewer: Viewer, endpoint_id: str) -> webhooks.WebhookLog:
        return self._rerun(webhooks.webhook_log, viewer, endpoint_id, self.ports)

    def change_webhook(self, viewer: Viewer, endpoint_id: str, cmd: webhooks.ChangeWebhook
                       ) -> None:
        self._rerun(webhooks.change_webhook, viewer, endpoint_id, cmd, self.ports)

    def delete_webhook(self, viewer: Viewer, endpoint_id: str) -> int:
        return self._rerun(webhooks.delete_webhook, viewer, endpoint_id, self.ports)

    def redeliver_webhook(self, viewer: Viewer, endpoint_id: str, delivery_id: str) -> None:
        self._rerun(webhooks.redeliver_webhook, viewer, endpoint_id, delivery_id, self.ports)
