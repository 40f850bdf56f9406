from django.urls import path

from receipts import views

app_name = "receipts"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
