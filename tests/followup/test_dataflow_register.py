"""The data-flow register is complete: every place that moves personal data names a declared flow.

The places are found by introspection, so a new register port, adapter, delivery kind, notification sender
or employee-facing reader without a flow fails here (digisos.core.dataflows explains the markers)."""

import ast
import importlib
import inspect
import pkgutil
import typing
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

import digisos
from digisos.core import dataflows
from digisos.core.dataflows import FLOWS, FlowKind, flow_of, is_declared
from digisos.exchange.models import Delivery
from digisos.innsyn.adapters import sms
from digisos.registers import ports, registry

SRC = Path(digisos.__file__).parent
# Modules that show employees other people's data: they must say so (EMPLOYEE_FACING = True).
KNOWN_EMPLOYEE_FACING = {
    "digisos.inbox.selectors",
    "digisos.followup.selectors",
    "digisos.followup.queues",
    "digisos.concerns.selectors",
}
READER_MODULES = {"selectors", "queues"}  # where readers live (DESIGN.md: reads go through selectors)


def _port_protocols() -> dict[str, type]:
    return {
        name: cls
        for name, cls in vars(ports).items()
        if inspect.isclass(cls) and getattr(cls, "_is_protocol", False) and cls.__module__ == ports.__name__
    }


def _registry_ports() -> dict[str, type]:
    """port name (the key of settings.REGISTER_ADAPTERS) -> the Protocol its registry accessor returns."""
    found = {}
    for name, function in vars(registry).items():
        if inspect.isfunction(function) and function.__module__ == registry.__name__ and name != "adapter":
            returns = typing.get_type_hints(function).get("return")
            if returns in _port_protocols().values():
                found[name] = returns
    return found


def test_every_flow_is_fully_declared():
    for key, flow in FLOWS.items():
        assert key == flow.key
        assert key.split(".")[0] in {
            "register",
            "delivery",
            "citizen",
            "employee",
            "notification",
            "statistics",
            "audit",
        }
        for field in (
            "title",
            "purpose",
            "legal_basis",
            "controller",
            "processor",
            "triggered_by",
            "retention",
        ):
            assert str(getattr(flow, field)).strip(), f"{key}: {field} is empty"
        assert flow.data_categories, f"{key}: no data categories"
        assert "§" in str(flow.legal_basis) or "avtale" in str(flow.legal_basis), (
            f"{key}: name the law and section"
        )


def test_every_register_port_names_a_declared_flow():
    protocols = _port_protocols()
    assert len(protocols) >= 9
    for name, protocol in protocols.items():
        flow = flow_of(protocol)
        assert flow in FLOWS, f"registers.ports.{name} names no declared flow"
        assert FLOWS[flow].kind == FlowKind.REGISTER


def test_every_port_has_a_registry_accessor_and_a_configured_adapter_with_its_flow():
    by_port = _registry_ports()
    assert set(by_port.values()) == set(_port_protocols().values()), "a port without a registry accessor"
    assert set(by_port) == set(settings.REGISTER_ADAPTERS), "a port without a configured adapter"
    for port, protocol in by_port.items():
        adapter = import_string(settings.REGISTER_ADAPTERS[port])
        assert flow_of(adapter) == flow_of(protocol), f"{adapter.__name__} does not name {flow_of(protocol)}"


def test_every_delivery_kind_names_a_declared_delivery_flow():
    for kind in Delivery.Kind:
        flow = Delivery.FLOWS.get(kind)
        assert flow in FLOWS, f"delivery kind {kind} names no flow (exchange.models.Delivery.FLOWS)"
        assert FLOWS[flow].kind == FlowKind.DELIVERY


def test_concern_reports_are_delivered_on_their_declared_flow():
    from digisos.concerns.models import ConcernDelivery

    assert FLOWS[ConcernDelivery.FLOW].kind == FlowKind.DELIVERY


def test_what_the_case_system_reports_names_the_citizens_flow():
    from digisos.exchange.models import Case

    assert Case.FLOW in FLOWS
    assert FLOWS[Case.FLOW].kind == FlowKind.CITIZEN_VIEW


def test_the_sms_gateway_port_and_its_configured_adapter_name_the_notification_flow():
    assert flow_of(sms.SmsGateway) == "notification.case_news"
    assert flow_of(import_string(settings.SMS_GATEWAY)) == "notification.case_news"


def _functions_that_send_messages() -> list[tuple[str, str]]:
    """(module, function) for every top-level function in src/digisos that sends mail or an SMS."""
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(("digisos", *path.relative_to(SRC).with_suffix("").parts))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            calls = {
                call.func.id
                for call in ast.walk(node)
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            }
            if calls & {"send_mail", "send_mass_mail", "gateway"} and node.name != "gateway":
                found.append((module, node.name))
    return found


def test_every_notification_sender_names_its_flow():
    senders = _functions_that_send_messages()
    assert ("digisos.innsyn.notifications", "notify") in senders
    for module, name in senders:
        flow = flow_of(getattr(importlib.import_module(module), name))
        assert flow and is_declared(flow), f"{module}.{name} sends a message but names no flow (@uses_flow)"


def _employee_facing_modules() -> list[str]:
    modules = []
    for info in pkgutil.walk_packages(digisos.__path__, "digisos."):
        if info.name.rsplit(".", 1)[-1] not in READER_MODULES:
            continue
        if getattr(importlib.import_module(info.name), "EMPLOYEE_FACING", False):
            modules.append(info.name)
    return modules


def test_the_known_employee_facing_modules_are_marked():
    assert set(_employee_facing_modules()) >= KNOWN_EMPLOYEE_FACING


@pytest.mark.parametrize("module_name", sorted(KNOWN_EMPLOYEE_FACING))
def test_every_employee_facing_reader_names_a_declared_flow(module_name):
    module = importlib.import_module(module_name)
    listed = getattr(module, "DATAFLOWS", {})
    readers = {
        name
        for name, function in vars(module).items()
        if inspect.isfunction(function) and function.__module__ == module_name and not name.startswith("_")
    }
    assert set(listed) <= readers, f"{module_name}.DATAFLOWS lists functions that do not exist"
    for name in readers:
        flow = listed.get(name) or flow_of(getattr(module, name))
        assert flow, f"{module_name}.{name} names no flow: add it to DATAFLOWS or decorate it with @uses_flow"
        assert is_declared(flow), f"{module_name}.{name} names {flow!r}, which the register does not declare"


def test_uses_flow_refuses_an_undeclared_flow():
    with pytest.raises(dataflows.UnknownFlow):
        dataflows.uses_flow("register.nowhere")
