"""Models exercising every encrypted field type, so the encryption tests need no domain app."""

from django.db import models

from grapefruit.encryption import (
    BlindIndexField,
    EncryptedDecimalField,
    EncryptedJSONField,
    EncryptedTextField,
)


class Secret(models.Model):
    name = EncryptedTextField()
    name_index = BlindIndexField(source="name", purpose="encryption_testapp.secret.name")
    notes = EncryptedTextField(blank=True, null=True)
    payload = EncryptedJSONField(blank=True, null=True)
    amount = EncryptedDecimalField(max_digits=10, decimal_places=2, blank=True, null=True)
    # A plaintext column next to the encrypted ones: the tests check encryption touches nothing else.
    label = models.CharField(max_length=50, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name_index"], name="encryption_testapp_unique_name")]

    def __str__(self) -> str:
        return f"Secret {self.pk}"


class Attachment(models.Model):
    upload = models.FileField(upload_to="encryption-test/")

    def __str__(self) -> str:
        return f"Attachment {self.pk}"
