"""The response cache and the log of every call that left the server. Prompts and responses are encrypted."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from grapefruit.encryption import EncryptedTextField


class LLMCacheEntry(models.Model):
    """One validated model answer, found again by a keyed hash (HMAC) of everything that shapes it (llm/cache.py).

    Shared across households: the key covers the exact (redacted) prompt, so a hit returns what that very
    prompt was answered with, and nothing about who asked first.
    """

    key = models.CharField(max_length=64, unique=True)
    provider = models.CharField(max_length=20)
    model = models.CharField(max_length=100)
    prompt_version = models.CharField(max_length=40)
    temperature = models.FloatField()
    prompt = EncryptedTextField(help_text="The redacted system and user prompt that was sent.")
    response = EncryptedTextField(help_text="The provider's raw JSON reply.")
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    response_time_ms = models.PositiveIntegerField(
        help_text="How long the provider took; each hit saves this."
    )
    hit_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_used_at"]
        verbose_name = "LLM cache entry"
        verbose_name_plural = "LLM cache entries"

    def __str__(self) -> str:
        return f"{self.model} {self.key[:12]}"


class LLMCallLog(models.Model):
    """A request that left the server, as it was sent ("what left the server" for household owners)."""

    class Outcome(models.TextChoices):
        OK = "ok", "Answered"
        BAD_RESPONSE = "bad_response", "Invalid answer"
        TIMEOUT = "timeout", "Timed out"
        RATE_LIMITED = "rate_limited", "Rate limited by the provider"
        UNAVAILABLE = "unavailable", "Provider unavailable"
        REJECTED = "rejected", "Request refused"
        ERROR = "error", "Failed"

    household = models.ForeignKey(
        "grapefruit.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="llm_calls"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField(max_length=40, blank=True)
    provider = models.CharField(max_length=20)
    model = models.CharField(max_length=100)
    prompt_sent = EncryptedTextField(help_text="The redacted prompt exactly as it was sent.")
    redactions = models.JSONField(default=dict, blank=True, help_text="How many of each kind were removed.")
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost_estimate = models.DecimalField(max_digits=10, decimal_places=6, default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["household", "-created_at"])]
        verbose_name = "LLM call"

    def __str__(self) -> str:
        return f"{self.provider}/{self.model} {self.outcome} at {self.created_at:%Y-%m-%d %H:%M}"
