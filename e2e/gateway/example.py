"""Talk to Plugboard from Python, standard library only (macOS and Linux).

    PLUGBOARD_KEY=pbk_... python3 example.py                       # the accounts this script may use
    PLUGBOARD_KEY=pbk_... python3 example.py x:@alice /2/users/me  # GET /2/users/me on X as @alice
"""
import http.client
import json
import os
import socket
import sys
import urllib.parse


class PlugboardConnection(http.client.HTTPConnection):
    """HTTP over Plugboard's Unix socket instead of TCP."""

    def __init__(self, socket_path):
        super().__init__("plugboard")
        self.socket_path = socket_path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.socket_path)


def socket_path():
    if os.environ.get("PLUGBOARD_SOCKET"):
        return os.environ["PLUGBOARD_SOCKET"]
    if sys.platform == "darwin":
        folder = os.path.expanduser("~/Library/Application Support/Plugboard")
    else:
        folder = os.path.join(os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config"), "Plugboard")
    return os.path.join(folder, "plugboard.sock")


def call(method, path):
    connection = PlugboardConnection(socket_path())
    connection.request(method, path, headers={"Authorization": "Bearer " + os.environ["PLUGBOARD_KEY"]})
    reply = connection.getresponse()
    body = reply.read()
    connection.close()
    if reply.status >= 400 and reply.getheader("plugboard-answered-by") != "platform":
        error = json.loads(body)["error"]  # Plugboard's own refusal: a stable code and one sentence
        sys.exit(f"{error['code']}: {error['message']}")
    return reply.status, body


if len(sys.argv) == 1:
    status, body = call("GET", "/v1/accounts")
    for account in json.loads(body):
        print(account["ref"], account["status"], account["tokenExpiresAt"] or "-")
else:
    account, url = sys.argv[1], sys.argv[2]
    status, body = call("POST", "/v1/request?" + urllib.parse.urlencode({"account": account, "method": "GET", "url": url}))
    print(status, body.decode())
