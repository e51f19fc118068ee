"""Runs GOV.UK Notify's own Python client (notifications-python-client) against the local stand-in, so that the
stand-in is held to the client's idea of the API: its JWT, its paths, its answers. Exit status 0 when all hold.
Usage: check_standin.py BASE_URL API_KEY"""
import io
import sys

from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

base_url, api_key = sys.argv[1], sys.argv[2]
client = NotificationsAPIClient(api_key, base_url=base_url)
template = "00000000-0000-4000-8000-0000000000aa"

sent = client.send_sms_notification(phone_number="07700 900999", template_id=template, personalisation={"body": "Hello"}, reference="check-1")
assert sent["reference"] == "check-1" and sent["content"]["body"] == "Hello", sent
found = client.get_notification_by_id(sent["id"])
assert found["id"] == sent["id"] and found["phone_number"] == "07700 900999", found
listed = client.get_all_notifications(reference="check-1")["notifications"]
assert [n["id"] for n in listed] == [sent["id"]], listed
assert client.get_all_notifications(reference="nothing-sent")["notifications"] == []

try:
    client.send_sms_notification(phone_number="01632 960123", template_id=template, personalisation={"body": "x"})
    raise AssertionError("a landline was accepted")
except HTTPError as error:
    assert error.status_code == 400 and "UK mobile" in str(error.message), error.message

letter = client.send_precompiled_letter_notification(reference="check-letter", pdf_file=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), postage="first")
assert letter["reference"] == "check-letter" and letter["postage"] == "first", letter

wrong = NotificationsAPIClient("other-" + api_key[-73:-36] + "00000000-0000-4000-8000-000000000000", base_url=base_url)
try:
    wrong.get_all_notifications()
    raise AssertionError("a token signed with the wrong secret was accepted")
except HTTPError as error:
    assert error.status_code == 403, error.status_code
print("notifications-python-client: sms, look-up by id and reference, validation, precompiled letter, bad token: all as the client expects")
