"""The cart's price text: labelled by where it comes from, every value escaped."""

from decimal import Decimal

from orders.display import price_html
from orders.pricing import PriceQuote, PriceSource
from orders.selectors.prices import ChosenPrice


def _html(quote, rise=None):
    return str(price_html(ChosenPrice(quote, rise, None), "kg"))


def test_a_price_paid_names_its_store_escaped_and_notes_a_rise():
    quote = PriceQuote(Decimal("3.480000"), "USD", PriceSource.HISTORY, "Tom & <Jerry>")

    assert _html(quote, rise=Decimal("1.2683")) == (
        "3.48 USD/kg at Tom &amp; &lt;Jerry&gt;"
        ' <span class="badge badge-rise" data-testid="price-rise" title="Per unit, against the median of the last 90'
        ' days">price up +27%</span>'
    )


def test_catalogue_prices_and_estimates_are_labelled_and_no_price_says_so():
    assert _html(PriceQuote(Decimal("2"), "EUR", PriceSource.CATALOG)) == (
        '2 EUR/kg <span class="badge" title="From the price catalogue">catalogue</span>'
    )
    assert "≈ estimate</span>" in _html(PriceQuote(Decimal("0.9"), "EUR", PriceSource.ESTIMATE))
    assert _html(PriceQuote(None, "EUR", PriceSource.NONE)) == '<span class="muted">no price yet</span>'


def test_the_unit_is_escaped_too():
    quote = PriceQuote(Decimal("1"), "USD", PriceSource.HISTORY)

    assert str(price_html(ChosenPrice(quote, None, None), "<b>")) == "1 USD/&lt;b&gt;"
