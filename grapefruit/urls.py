from django.contrib import admin
from django.urls import include, path

from grapefruit import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health", views.health_view, name="health"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/password_change/", views.AuditedPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_reset/", views.AuditedPasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.AuditedPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("household/", views.household_settings, name="household_settings"),
    path("household/invitations/", views.invitation_create, name="invitation_create"),
    path("household/members/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"),
    path("audit/", include("audit.urls")),
    path("receipts/", include("receipts.urls")),
    path("orders/", include("orders.urls")),
    path("llm/", include("llm.urls")),
    path("", include("inventory.urls")),
]
