from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("spending/", views.spending, name="spending"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/names/", views.item_names, name="item_names"),
    path("items/bulk/", views.item_bulk_create, name="item_bulk_create"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/consume/", views.item_consume, name="item_consume"),
    path("items/<int:item_id>/add/", views.item_add_stock, name="item_add_stock"),
    path("items/<int:item_id>/correct/", views.item_correct, name="item_correct"),
    path("items/<int:item_id>/undo/", views.item_undo, name="item_undo"),
    path("items/<int:item_id>/archive/", views.item_archive, name="item_archive"),
    path("items/<int:item_id>/restore/", views.item_restore, name="item_restore"),
    path("items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
]
