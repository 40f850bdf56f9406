"""A simulated vendor, so the whole loop can be tried: it confirms at once and delivers after a delay.

Nothing is bought. Its label says so everywhere it appears; its order ids and tracking numbers start with SIM.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings

from orders.vendors import Placement, VendorOrder


class DemoVendor:
    key = "demo"
    label = "Demo shop (simulation: nothing is really bought)"
    simulation = True
    shopped_in_person = False

    def __init__(self, *, delivery_delay: timedelta) -> None:
        self.delivery_delay = delivery_delay

    @classmethod
    def from_settings(cls) -> DemoVendor:
        return cls(delivery_delay=timedelta(seconds=settings.ORDERS_DEMO_DELIVERY_SECONDS))

    def place(self, order: VendorOrder) -> Placement:
        # Derived from our reference, so placing the same order again gives the same ids (idempotent).
        digest = hashlib.sha256(order.reference.encode()).hexdigest()[:10].upper()
        return Placement(
            vendor_order_id=f"SIM-{digest}",
            tracking_number=f"SIM-TRACK-{digest[::-1]}",
            delivers_itself_after=self.delivery_delay,
        )
