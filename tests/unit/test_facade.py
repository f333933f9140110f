"""``Services`` exposes every use case of ``clico_core.services``, and nothing else.

The facade's methods are written out so that mypy checks calls through them; these tests
keep that hand-written list complete and faithful: one method per exported use case (a
public function taking ``ports``), with the use case's signature minus ``ports``, handing
every argument on unchanged.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable
from typing import Any

import pytest

import clico_core.services as package
from clico_core.services import Services

# Public functions that take the ports but run inside a use case, not as one of their own.
HELPERS = {"add_staff", "check_password", "find_or_create_company", "follow_clocks",
           "followed_ticket", "issue_in", "issue_with_key", "issue_recovery_codes",
           "make_asset", "must_enrol_totp", "new_contract_key", "record_switch", "start_clocks",
           "support_level", "totp_step", "touch_if_due", "viewer_in", "token_viewer_in",
           "touch_token_if_due", "best_effort", "attach_kb_files"}


def _takes_ports(obj: object) -> bool:
    return inspect.isfunction(obj) and "ports" in inspect.signature(obj).parameters


def use_cases() -> dict[str, Callable[..., Any]]:
    """The use cases ``clico_core.services`` exports: its public functions taking ``ports``."""
    return {name: getattr(package, name) for name in package.__all__
            if _takes_ports(getattr(package, name))}


def facade_methods() -> dict[str, Callable[..., Any]]:
    return {name: member for name, member in inspect.getmembers(Services, inspect.isfunction)
            if not name.startswith("_")}


def _without(signature: inspect.Signature, name: str) -> inspect.Signature:
    return signature.replace(parameters=[p for p in signature.parameters.values()
                                         if p.name != name])


def test_every_use_case_in_the_services_modules_is_exported() -> None:
    defined = set()
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        defined |= {name for name, obj in vars(module).items()
                    if not name.startswith("_") and _takes_ports(obj)
                    and obj.__module__ == module.__name__}
    assert defined - HELPERS - set(use_cases()) == set(), "export it, or make it private"
    assert defined >= HELPERS, "a helper listed here is gone: drop it from HELPERS"


def test_the_facade_has_one_method_per_use_case_and_no_other() -> None:
    assert set(facade_methods()) == set(use_cases())


@pytest.mark.parametrize("name", sorted(use_cases()))
def test_a_method_has_the_signature_of_its_use_case_minus_ports(name: str) -> None:
    use_case = inspect.signature(use_cases()[name], eval_str=True)
    method = inspect.signature(facade_methods()[name], eval_str=True)
    assert _without(method, "self") == _without(use_case, "ports")


@pytest.mark.parametrize("name", sorted(use_cases()))
def test_a_method_hands_every_argument_and_the_ports_to_its_use_case(
        name: str, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    use_case = use_cases()[name]
    calls: list[inspect.BoundArguments] = []
    answer = object()

    def recorder(*args: Any, **kwargs: Any) -> object:
        calls.append(inspect.signature(use_case).bind(*args, **kwargs))
        return answer

    # the facade looks the use case up in its module at call time
    monkeypatch.setattr(sys.modules[use_case.__module__], name, recorder)
    parameters = list(inspect.signature(use_case).parameters.values())
    sentinels = {p.name: object() for p in parameters if p.name != "ports"}
    positional = [sentinels[p.name] for p in parameters if p.name != "ports"
                  and p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    keywords = {p.name: sentinels[p.name] for p in parameters
                if p.kind is inspect.Parameter.KEYWORD_ONLY}
    result = getattr(services, name)(*positional, **keywords)
    assert len(calls) == 1
    assert calls[0].arguments == {**sentinels, "ports": services.ports}
    returns = inspect.signature(use_case, eval_str=True).return_annotation
    assert result is (None if returns is None else answer)
