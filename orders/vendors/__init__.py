"""Vendors: where an approved order goes. Each is one module with one class behind the small `Vendor` Protocol,
listed by dotted path in settings.ORDER_VENDORS (the way Django lists password hashers).

Writing a real vendor adapter:

1. A module `orders/vendors/<name>.py` with a class that has `key` (stable, stored on orders), `label`, and
   `simulation` / `shopped_in_person` flags, a `from_settings()` class method, and `place(order)`.
2. `place` receives a `VendorOrder` (frozen: our reference, currency, lines with names, quantities, brands to
   use and to avoid, expected prices) and returns a `Placement` with the vendor's order id and, when known, a
   tracking number. It must be idempotent on `VendorOrder.reference` (a retry after a timeout must not order
   twice) and must raise `VendorError` (or a subclass) for every failure, with a message a member can read:
   the order then stays approved and nothing is lost.
3. When the goods arrive, the adapter's webhook view or polling task calls `orders.services.order_deliver`,
   which adds the stock once however often delivery is reported.
4. Tests: place() against a local HTTP server (see the `fake_http_server` fixture), the error translation, and
   the adapter listed in ORDER_VENDORS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class VendorError(Exception):
    """Placing failed; the message is shown to the member."""


@dataclass(frozen=True)
class VendorLine:
    name: str
    quantity: Decimal
    unit: str
    brand: str  # empty: any brand not in avoid_brands
    avoid_brands: tuple[str, ...]
    expected_unit_price: Decimal | None
    expected_price: Decimal | None
    store: str  # where the expected price was seen; empty when unknown


@dataclass(frozen=True)
class VendorOrder:
    reference: str  # ours, unique per order: the idempotency key
    currency: str
    lines: tuple[VendorLine, ...]


@dataclass(frozen=True)
class Placement:
    vendor_order_id: str
    tracking_number: str = ""
    # Simulations only: the vendor reports the delivery by itself after this delay.
    delivers_itself_after: timedelta | None = None


@runtime_checkable
class Vendor(Protocol):
    key: str
    label: str
    # Shown as a simulation everywhere it appears: nothing is really bought.
    simulation: bool
    # The household fetches the goods itself: a receipt will follow, so stock added when it is marked bought
    # waits for that receipt instead of being counted twice.
    shopped_in_person: bool

    def place(self, order: VendorOrder) -> Placement: ...


def configured_vendors() -> dict[str, Vendor]:
    """Every vendor in settings.ORDER_VENDORS, by key, in the configured order."""
    vendors: dict[str, Vendor] = {}
    for path in settings.ORDER_VENDORS:
        try:
            vendor = import_string(path).from_settings()
        except ImportError as error:
            raise ImproperlyConfigured(f"ORDER_VENDORS: cannot import {path!r}") from error
        if not isinstance(vendor, Vendor):
            raise ImproperlyConfigured(f"ORDER_VENDORS: {path!r} is not a vendor (see orders/vendors)")
        vendors[vendor.key] = vendor
    return vendors


def get_vendor(key: str) -> Vendor:
    try:
        return configured_vendors()[key]
    except KeyError:
        raise VendorError("This vendor is no longer configured on this server.") from None


def vendor_label(key: str) -> str:
    vendor = configured_vendors().get(key)
    return vendor.label if vendor else key
