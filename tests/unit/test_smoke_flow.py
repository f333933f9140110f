from clico_core.services import OpenTicket
from clico_core.tickets import TicketKind, TicketQuery

from ..support import PALO_ALTO_ANSWERS, World


def test_register_confirm_sign_in_and_open_both_kinds_of_ticket(world: World) -> None:
    contract = world.issue()
    world.register(contract=contract)
    viewer = world.viewer()
    asset = world.services.list_covered_assets(viewer).rows[0]
    technical = world.services.open_ticket(viewer, OpenTicket(
        "VPN down", "<p>tunnel flaps</p>", asset_id=asset.id, answers=PALO_ALTO_ANSWERS))
    admin = world.services.open_ticket(viewer, OpenTicket("Cannot register", "<p>help</p>"))
    assert technical.kind is TicketKind.TECHNICAL
    assert admin.kind is TicketKind.ADMINISTRATIVE
    page = world.services.list_tickets(viewer, TicketQuery())
    assert {r.number for r in page.rows} == {technical.number, admin.number}
