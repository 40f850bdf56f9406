from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def cart(request: HttpRequest) -> HttpResponse:
    """The cart and orders page. Carts, orders and scheduled reorders are not built yet: the page says so plainly
    instead of showing controls that do nothing."""
    return render(request, "orders/cart.html")
