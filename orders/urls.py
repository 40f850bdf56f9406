from django.urls import path

from orders import views

app_name = "orders"
urlpatterns = [
    path("", views.cart, name="cart"),
    path("estimate-prices/", views.estimate_prices, name="estimate_prices"),
]
