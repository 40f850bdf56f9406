from django.urls import path

from orders import views

app_name = "orders"
urlpatterns = [
    path("", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/add-low/", views.cart_add_low, name="cart_add_low"),
    path("cart/lines/<int:line_id>/", views.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:line_id>/tick/", views.cart_line_tick, name="cart_line_tick"),
    path("cart/lines/<int:line_id>/remove/", views.cart_line_remove, name="cart_line_remove"),
    path("cart/bought/", views.cart_bought, name="cart_bought"),
    path("cart/order/", views.order_create, name="order_create"),
    path("estimate-prices/", views.estimate_prices, name="estimate_prices"),
    path("list/", views.order_list, name="order_list"),
    path("<int:order_id>/", views.order_detail, name="order_detail"),
    *[
        path(f"<int:order_id>/{action}/", views.order_action, {"action": action}, name=f"order_{action}")
        for action in views.ORDER_ACTIONS
    ],
    path("<int:order_id>/shopping-list/", views.shopping_list, name="shopping_list"),
    path("<int:order_id>/shopping-list.csv", views.shopping_list_csv, name="shopping_list_csv"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/brands/", views.brand_rule_add, name="brand_rule_add"),
    path("preferences/brands/<int:rule_id>/delete/", views.brand_rule_delete, name="brand_rule_delete"),
]
