class OrderError(Exception):
    """An action on the cart or an order that cannot happen now; the message is written for the member."""
