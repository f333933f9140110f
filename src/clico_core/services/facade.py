"""``Services``: every use case bound to one set of ports (what ``bootstrap`` returns)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import ParamSpec, TypeVar

from attrs import frozen

from ..accounts import Account
from ..articles import ARTICLE_PAGE_SIZE
from ..assets import Asset
from ..attachments import Attachment, UploadBudget
from ..companies import Company
from ..contracts import Contract
from ..errors import TransientConflict
from ..ports import AssetPage
from ..queue import QueueQuery
from ..reply_templates import ReplyTemplate
from ..retention import PruneReport, Retention
from ..sla import LevelSpec
from ..tickets import Priority, Ticket, TicketDetail, TicketPage, TicketQuery, TicketStatus
from . import (
    accounts_admin,
    assets,
    attachments,
    auto_close,
    companies,
    contract_changes,
    contract_import,
    contracts,
    contracts_admin,
    demo,
    enrolment,
    follow_ups,
    migration,
    notifications,
    passwords,
    presence,
    queue,
    recovery,
    registration,
    reply_templates,
    retention,
    signin,
    sla,
    sla_levels,
    staff,
    staff_admin,
    ticket_bulk,
    ticket_conversation,
    ticket_history,
    ticket_list,
    ticket_workflow,
    tickets,
    totp,
)
from . import sla_report as sla_reporting
from .context import Ports, Viewer
from .facade_api import ApiTokenServices
from .facade_kb import KnowledgeBaseMethods
from .facade_webhooks import WebhookMethods
from .reply_templates import SaveReplyTemplate
from .ticket_history import HISTORY_PAGE_SIZE, RECENT_HISTORY, HistoryEntry, HistoryPage

T = TypeVar("T")
P = ParamSpec("P")
TRANSIENT_ATTEMPTS = 4


def _again(use_case: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a use case; when the database aborted it as a deadlock, run it again (bounded)."""
    for _ in range(TRANSIENT_ATTEMPTS - 1):
        try:
            return use_case(*args, **kwargs)
        except TransientConflict:
            continue
    return use_case(*args, **kwargs)


@frozen
class Services(WebhookMethods, ApiTokenServices, KnowledgeBaseMethods):
    """The public face of the core. Methods mirror the use-case functions of the same name.

    Each method is written out, not generated, so that mypy checks every call through the
    facade; ``tests/unit/test_facade.py`` proves the list is complete: one method per use
    case exported by ``clico_core.services``, with its signature minus ``ports``."""

    ports: Ports

    # accounts -------------------------------------------------------------------------
    def register_account(self, cmd: registration.RegisterAccount) -> None:
        _again(registration.register_account, cmd, self.ports)

    def confirm_email(self, secret: str) -> None:
        _again(registration.confirm_email, secret, self.ports)

    def request_password_reset(self, login_or_email: str, client: str = "") -> None:
        _again(passwords.request_password_reset, login_or_email, self.ports, client)

    def check_reset_token(self, secret: str) -> None:
        _again(passwords.check_reset_token, secret, self.ports)

    def reset_password(self, secret: str, password: str, confirm: str, client: str = "") -> None:
        _again(passwords.reset_password, secret, password, confirm, self.ports, client)

    def change_password(self, viewer: Viewer, current: str, password: str, confirm: str) -> None:
        _again(passwords.change_password, viewer, current, password, confirm, self.ports)

    def set_company_notifications(self, viewer: Viewer, enabled: bool) -> bool:
        return _again(notifications.set_company_notifications, viewer, enabled, self.ports)

    # signing in -----------------------------------------------------------------------
    def sign_in(self, cmd: signin.SignIn) -> signin.SignInStep:
        return _again(signin.sign_in, cmd, self.ports)

    def verify_code(self, session_token: str, code: str, client: str = "") -> signin.SignInStep:
        return _again(signin.verify_code, session_token, code, self.ports, client)

    def resend_code(self, session_token: str) -> None:
        _again(signin.resend_code, session_token, self.ports)

    def authenticate(self, session_token: str) -> Viewer | None:
        return _again(signin.authenticate, session_token, self.ports)

    def sign_out(self, session_token: str) -> None:
        _again(signin.sign_out, session_token, self.ports)

    def begin_totp(self, viewer: Viewer) -> totp.TotpSetup:
        return _again(totp.begin_totp, viewer, self.ports)

    def enable_totp(self, viewer: Viewer, secret: str, code: str, password: str
                    ) -> tuple[str, ...]:
        return _again(totp.enable_totp, viewer, secret, code, password, self.ports)

    def disable_totp(self, viewer: Viewer, password: str) -> None:
        _again(totp.disable_totp, viewer, password, self.ports)

    def reset_two_factor(self, login_or_email: str) -> Account:
        return _again(totp.reset_two_factor, login_or_email, self.ports)

    def verify_recovery_code(self, session_token: str, code: str, client: str = ""
                             ) -> signin.SignInStep:
        return _again(signin.verify_recovery_code, session_token, code, self.ports, client)

    def begin_enrolment(self, session_token: str) -> totp.TotpSetup:
        return _again(enrolment.begin_enrolment, session_token, self.ports)

    def finish_enrolment(self, session_token: str, secret: str, code: str, client: str = ""
                         ) -> enrolment.Enrolled:
        return _again(enrolment.finish_enrolment, session_token, secret, code, self.ports,
                      client)

    def regenerate_recovery_codes(self, viewer: Viewer, password: str) -> tuple[str, ...]:
        return _again(recovery.regenerate_recovery_codes, viewer, password, self.ports)

    def recovery_codes_left(self, viewer: Viewer) -> int:
        return _again(recovery.recovery_codes_left, viewer, self.ports)

    # staff administration (administrators) ---------------------------------------------
    def list_staff(self, viewer: Viewer) -> list[staff_admin.StaffMember]:
        return _again(staff_admin.list_staff, viewer, self.ports)

    def invite_staff(self, viewer: Viewer, cmd: staff.CreateStaff) -> staff_admin.StaffMember:
        return _again(staff_admin.invite_staff, viewer, cmd, self.ports)

    def set_staff_disabled(self, viewer: Viewer, account_id: str, disabled: bool
                           ) -> staff_admin.StaffMember:
        return _again(staff_admin.set_staff_disabled, viewer, account_id, disabled, self.ports)

    # contracts and assets -------------------------------------------------------------
    def issue_contract(self, cmd: contracts.IssueContract) -> contracts.IssuedContract:
        return _again(contracts.issue_contract, cmd, self.ports)

    def activate_contract(self, viewer: Viewer, number: str, key: str,
                          client: str = "") -> Contract:
        return _again(contracts.activate_contract, viewer, number, key, self.ports, client)

    def list_contracts(self, viewer: Viewer) -> list[contracts.ContractView]:
        return _again(contracts.list_contracts, viewer, self.ports)

    def get_contract(self, viewer: Viewer, contract_id: str) -> contracts.ContractView:
        return _again(contracts.get_contract, viewer, contract_id, self.ports)

    def list_covered_assets(self, viewer: Viewer, category: str | None = None, page: int = 1,
                            page_size: int = 25) -> AssetPage:
        return _again(assets.list_covered_assets, viewer, self.ports, category, page, page_size)

    def covered_asset(self, viewer: Viewer, asset_id: str) -> assets.CoveredAsset:
        return _again(assets.covered_asset, viewer, asset_id, self.ports)

    def customer_overview(self, viewer: Viewer) -> assets.CustomerView:
        return _again(assets.customer_overview, viewer, self.ports)

    # tickets --------------------------------------------------------------------------
    def open_ticket(self, viewer: Viewer, cmd: tickets.OpenTicket) -> Ticket:
        return _again(tickets.open_ticket, viewer, cmd, self.ports)

    def open_administrative_ticket(self, viewer: Viewer, cmd: tickets.OpenTicket) -> Ticket:
        return _again(tickets.open_administrative_ticket, viewer, cmd, self.ports)

    def open_technical_ticket(self, viewer: Viewer, cmd: tickets.OpenTicket) -> Ticket:
        return _again(tickets.open_technical_ticket, viewer, cmd, self.ports)

    def filter_choices(self, viewer: Viewer) -> ticket_list.FilterChoices:
        return _again(ticket_list.filter_choices, viewer, self.ports)

    def list_tickets(self, viewer: Viewer, query: TicketQuery) -> TicketPage:
        return _again(ticket_list.list_tickets, viewer, query, self.ports)

    def list_tickets_for_session(self, session_token: str, query: TicketQuery
                                 ) -> ticket_list.SignedInPage | None:
        return _again(ticket_list.list_tickets_for_session, session_token, query, self.ports)

    def ticket_detail(self, viewer: Viewer, number: str) -> TicketDetail:
        return _again(tickets.ticket_detail, viewer, number, self.ports)

    def follow_up_draft(self, viewer: Viewer, number: str) -> follow_ups.FollowUpDraft:
        return _again(follow_ups.follow_up_draft, viewer, number, self.ports)

    # tickets: what the ticket pages show, decided in the core ---------------------------
    def safe_description(self, html: str) -> str:
        """The editor's HTML as a form being corrected may show it back (sanitised)."""
        return tickets.safe_description(html, self.ports)

    # the conversation of a ticket -----------------------------------------------------
    def post_reply(self, viewer: Viewer, cmd: ticket_conversation.PostReply
                   ) -> ticket_conversation.Posted:
        return _again(ticket_conversation.post_reply, viewer, cmd, self.ports)

    def conversation(self, viewer: Viewer, number: str, cursor: str = "",
                     page_size: int = ARTICLE_PAGE_SIZE) -> ticket_conversation.Conversation:
        return _again(ticket_conversation.conversation, viewer, number, self.ports, cursor,
                      page_size)

    def change_status(self, viewer: Viewer, number: str, status: str,
                      expected_version: int | None = None) -> TicketStatus:
        return _again(ticket_workflow.change_status, viewer, number, status, self.ports,
                      expected_version)

    def close_ticket(self, viewer: Viewer, number: str, expected_version: int | None = None
                     ) -> TicketStatus:
        return _again(ticket_workflow.close_ticket, viewer, number, self.ports, expected_version)

    def change_priority(self, viewer: Viewer, number: str, priority: str,
                        expected_version: int | None = None) -> Priority:
        return _again(ticket_workflow.change_priority, viewer, number, priority, self.ports,
                      expected_version)

    def assign_ticket(self, viewer: Viewer, number: str, assignee_id: str | None,
                      expected_version: int | None = None) -> None:
        _again(ticket_workflow.assign_ticket, viewer, number, assignee_id, self.ports,
               expected_version)

    def ticket_history(self, viewer: Viewer, number: str) -> list[HistoryEntry]:
        return _again(ticket_history.ticket_history, viewer, number, self.ports)

    def recent_history(self, viewer: Viewer, number: str,
                       limit: int = RECENT_HISTORY) -> HistoryPage:
        return _again(ticket_history.recent_history, viewer, number, self.ports, limit)

    def history_page(self, viewer: Viewer, number: str, cursor: str = "",
                     page_size: int = HISTORY_PAGE_SIZE) -> HistoryPage:
        return _again(ticket_history.history_page, viewer, number, self.ports, cursor,
                      page_size)

    def queue_for_session(self, session_token: str, queue_query: QueueQuery
                          ) -> ticket_list.SignedInPage | None:
        return _again(queue.queue_for_session, session_token, queue_query, self.ports)

    def queue_choices(self, viewer: Viewer) -> queue.QueueChoices:
        return _again(queue.queue_choices, viewer, self.ports)

    def engineers(self, viewer: Viewer) -> list[Account]:
        return _again(queue.engineers, viewer, self.ports)

    def bulk_assign(self, viewer: Viewer, numbers: Sequence[str], assignee_id: str | None
                    ) -> int:
        return _again(ticket_bulk.bulk_assign, viewer, numbers, assignee_id, self.ports)

    def bulk_close(self, viewer: Viewer, numbers: Sequence[str]) -> int:
        return _again(ticket_bulk.bulk_close, viewer, numbers, self.ports)

    def auto_close_resolved(self) -> auto_close.AutoCloseReport:
        return _again(auto_close.auto_close_resolved, self.ports)

    # working together: presence and reply templates (staff) --------------------------
    def record_presence(self, viewer: Viewer, number: str) -> tuple[str, ...]:
        return _again(presence.record_presence, viewer, number, self.ports)

    def reply_templates(self, viewer: Viewer) -> list[ReplyTemplate]:
        return _again(reply_templates.reply_templates, viewer, self.ports)

    def reply_template(self, viewer: Viewer, template_id: str) -> ReplyTemplate:
        return _again(reply_templates.reply_template, viewer, template_id, self.ports)

    def save_reply_template(self, viewer: Viewer, cmd: SaveReplyTemplate
                            ) -> ReplyTemplate:
        return _again(reply_templates.save_reply_template, viewer, cmd, self.ports)

    def delete_reply_template(self, viewer: Viewer, template_id: str) -> None:
        _again(reply_templates.delete_reply_template, viewer, template_id, self.ports)

    def filled_reply_template(self, viewer: Viewer, template_id: str, number: str) -> str:
        return _again(reply_templates.filled_reply_template, viewer, template_id, number,
                      self.ports)
    def send_sla_alerts(self) -> sla.SlaAlertReport:
        return _again(sla.send_sla_alerts, self.ports)

    def list_support_levels(self, viewer: Viewer) -> list[LevelSpec]:
        return _again(sla_levels.list_support_levels, viewer, self.ports)

    def save_support_level(self, viewer: Viewer, cmd: sla_levels.EditLevel) -> LevelSpec:
        return _again(sla_levels.save_support_level, viewer, cmd, self.ports)

    def sla_report(self, month: str) -> sla_reporting.SlaReport:
        return _again(sla_reporting.sla_report, month, self.ports)

    def staff_sla_report(self, viewer: Viewer, month: str) -> sla_reporting.SlaReport:
        return _again(sla_reporting.staff_sla_report, viewer, month, self.ports)
    # attachments ----------------------------------------------------------------------
    def upload_budget(self) -> UploadBudget:
        return attachments.upload_budget(self.ports)

    def upload_attachment(self, viewer: Viewer, file_name: str, chunks: Iterable[bytes],
                          budget: UploadBudget, idempotency_key: str | None = None) -> Attachment:
        # not run again on a conflict: the chunks are read once (it retries its own insert)
        return attachments.upload_attachment(viewer, file_name, chunks, budget, self.ports,
                                             idempotency_key)

    def discard_uploads(self, viewer: Viewer, attachment_ids: Sequence[str]) -> int:
        return _again(attachments.discard_uploads, viewer, attachment_ids, self.ports)

    def attachment_for_download(self, viewer: Viewer, attachment_id: str
                                ) -> attachments.AttachmentDownload:
        return _again(attachments.attachment_for_download, viewer, attachment_id, self.ports)

    def sweep_orphan_blobs(self, older_than: timedelta = attachments.ORPHAN_AGE
                           ) -> attachments.SweepReport:
        return _again(attachments.sweep_orphan_blobs, self.ports, older_than)

    # operators ------------------------------------------------------------------------
    def import_migrated_accounts(self, rows: Sequence[migration.MigratedAccount], *,
                                 dry_run: bool = False,
                                 progress: Callable[[int], None] | None = None
                                 ) -> migration.ImportReport:
        return _again(migration.import_migrated_accounts, rows, self.ports, dry_run=dry_run,
                      progress=progress)

    def list_accounts(self) -> list[accounts_admin.AccountSummary]:
        return _again(accounts_admin.list_accounts, self.ports)

    def disable_account(self, login_or_email: str) -> Account:
        return _again(accounts_admin.disable_account, login_or_email, self.ports)

    def create_staff_account(self, cmd: staff.CreateStaff) -> tuple[Account, str]:
        return _again(staff.create_staff_account, cmd, self.ports)

    def list_all_contracts(self, company: str | None = None
                           ) -> list[contracts_admin.ContractSummary]:
        return _again(contracts_admin.list_all_contracts, self.ports, company)

    def contract_by_number(self, number: str) -> contracts_admin.ContractRecord:
        return _again(contracts_admin.contract_by_number, number, self.ports)

    # staff: companies, contract administration -----------------------------------------
    def search_companies(self, viewer: Viewer, text: str) -> list[Company]:
        return _again(companies.search_companies, viewer, text, self.ports)

    def company_view(self, viewer: Viewer, company_id: str) -> companies.CompanyView:
        return _again(companies.company_view, viewer, company_id, self.ports)

    def create_contract(self, viewer: Viewer, cmd: contracts.IssueContract
                        ) -> contracts.IssuedContract:
        return _again(contract_changes.create_contract, viewer, cmd, self.ports)

    def contract_admin_page(self, viewer: Viewer, number: str
                            ) -> contract_changes.ContractAdminPage:
        return _again(contract_changes.contract_admin_page, viewer, number, self.ports)

    def add_contract_asset(self, viewer: Viewer, number: str, spec: contracts.AssetSpec
                           ) -> Asset:
        return _again(contract_changes.add_contract_asset, viewer, number, spec, self.ports)

    def remove_contract_asset(self, viewer: Viewer, number: str, asset_id: str) -> None:
        _again(contract_changes.remove_contract_asset, viewer, number, asset_id, self.ports)

    def change_contract_terms(self, viewer: Viewer, number: str,
                              terms: contract_changes.ContractTerms) -> Contract:
        return _again(contract_changes.change_contract_terms, viewer, number, terms,
                      self.ports)

    def regenerate_contract_key(self, viewer: Viewer, number: str
                                ) -> contracts.IssuedContract:
        return _again(contract_changes.regenerate_contract_key, viewer, number, self.ports)

    def revoke_contract(self, viewer: Viewer, number: str) -> Contract:
        return _again(contract_changes.revoke_contract, viewer, number, self.ports)

    def import_contracts(self, viewer: Viewer, rows: Sequence[contract_import.ContractRow]
                         ) -> list[contract_import.ImportedContract]:
        return _again(contract_import.import_contracts, viewer, rows, self.ports)

    def seed_demo(self) -> demo.DemoAccess:
        return _again(demo.seed_demo, self.ports)

    def prune(self, periods: Retention, *, max_batches: int | None = None) -> PruneReport:
        return _again(retention.prune, periods, self.ports, max_batches=max_batches)
