"""Core pages: sign-in, sign-up, invitations, household settings and health."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import (
    LoginView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from grapefruit import health, selectors, services
from grapefruit.auth_audit import account_event_record
from grapefruit.forms import AccountForm, HouseholdSettingsForm, SignupForm
from grapefruit.models import time_zone_names
from grapefruit.pages import render_page


class SignInView(LoginView):
    # Sign-in attempts are rate limited per address by grapefruit.ratelimits, like every other form.
    redirect_authenticated_user = True


class AuditedPasswordChangeView(PasswordChangeView):
    """Django's view; a change, and a refused attempt (wrong current password), are audited."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        account_event_record(action="auth.password_change", user=self.request.user, request=self.request)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        account_event_record(
            action="auth.password_change",
            user=self.request.user,
            request=self.request,
            outcome=AuditEvent.Outcome.REFUSED,
        )
        return super().form_invalid(form)


class AuditedPasswordResetView(PasswordResetView):
    """Django's view; a reset asked for is audited in the household of each account the address belongs to."""

    def form_valid(self, form: Any) -> HttpResponse:
        users = list(form.get_users(form.cleaned_data["email"]))
        response = super().form_valid(form)
        for user in users or [None]:
            account_event_record(action="auth.password_reset_request", user=user, request=self.request)
        return response


class AuditedPasswordResetConfirmView(PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        account_event_record(action="auth.password_reset", user=form.user, request=self.request)
        return response


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.household_create_with_owner(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            household_name=form.cleaned_data["household_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Grapefruit. Your household is ready.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/signup.html", {"form": form})


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_lookup(token=token)
    except services.InvitationInvalid as exc:
        return render(request, "registration/invitation_invalid.html", {"reason": str(exc)}, status=404)
    if request.user.is_authenticated:
        messages.info(
            request, "You are already signed in. Sign out to accept this invitation as a new member."
        )
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationInvalid as exc:
            return render(request, "registration/invitation_invalid.html", {"reason": str(exc)}, status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"You joined {invitation.household.name}.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/invitation_accept.html", {"form": form, "invitation": invitation})


def household_settings(request: HttpRequest) -> HttpResponse:
    household = request.household
    is_owner = request.membership.is_owner
    form = HouseholdSettingsForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        # A member who is not the owner gets a 403 from the service, which audits the refusal.
        services.household_update_settings(household=household, actor=request.user, **form.cleaned_data)
        messages.success(request, "Settings saved.")
        return redirect("household_settings")
    context = {
        "form": form,
        "time_zones": time_zone_names(),
        "is_owner": is_owner,
        "members": selectors.household_members(household=household),
        "invitations": selectors.household_open_invitations(household=household) if is_owner else [],
        "new_invite_url": request.session.pop("new_invite_url", None),
    }
    return render_page(request, "grapefruit/household_settings.html", context, title="Preferences")


@require_POST
def invitation_create(request: HttpRequest) -> HttpResponse:
    _invitation, token = services.invitation_create(household=request.household, actor=request.user)
    # Shown once on the next page; only the token's hash is stored.
    request.session["new_invite_url"] = request.build_absolute_uri(f"/invite/{token}/")
    messages.success(request, "Invitation link created. It works once and expires in 7 days.")
    return redirect("household_settings")


@require_POST
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.household_membership_get(household=request.household, membership_id=membership_id)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Member removed.")
    return redirect("household_settings")


@login_not_required
def health_view(request: HttpRequest) -> JsonResponse:
    report = health.collect()
    return JsonResponse(report, status=200 if report["status"] != "fail" else 503)
