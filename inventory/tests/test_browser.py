import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_adds_an_item_consumes_it_twice_and_sees_the_prediction(logged_in_page):
    page = logged_in_page
    page.get_by_text("Add an item", exact=True).click()
    page.fill("input[name=name]", "Free-range eggs")
    page.fill("input[name=quantity]", "12")
    page.select_option("select[name=unit]", "pcs")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(re.compile(r"/items/\d+/$"))
    for _ in range(2):
        page.fill("#id_amount", "2")
        page.get_by_test_id("consume").click()
        page.wait_for_load_state()
    prediction = page.get_by_test_id("prediction")
    assert "8 pcs" in prediction.inner_text()
    assert "Expected to run out" in prediction.inner_text()
    assert "pcs/day" in prediction.inner_text()
    page.goto("/")
    assert page.get_by_test_id("item-row").count() == 1
    page.get_by_role("button", name=re.compile(r"Use 2 pcs of Free-range eggs")).click()
    assert "6" in page.get_by_test_id("item-row").inner_text()
