"""A milter for Tern's tests, on pymilter (Sendmail's own libmilter underneath).

Usage: test_milter.py SOCKET [LOG]  (SOCKET as libmilter takes it: inet:PORT@127.0.0.1 or unix:/path)

What it does is chosen by the client and the message, so that one running filter serves every test:
- a client at 127.0.0.2: refused at connect ("554 5.7.1 Client refused by the test milter");
  one at 127.0.0.3: accepted at connect (nothing more is shown to the filter).
- MAIL from refuse@...: rejected with its own reply "550 5.7.1 Sender refused by the test milter".
- RCPT to blocked@...: that recipient refused (REJECT).
- Subject containing one of these words, at the end of the message:
    TEMPFAIL  -> tempfail
    REJECTME  -> reject
    DISCARD   -> discard
    QUARANTINE-> quarantine
    REWRITE   -> Subject changed, the second Received-like field "X-Remove" deleted, body replaced
    ADDRCPT:x -> recipient x added;  DELRCPT:x -> recipient x removed;  CHGFROM:x -> sender x
    ACCEPTNOW -> accept at the header, no changes
    SLOW      -> two seconds before answering, with a progress report every half second
- Every message it lets through gets "X-Test-Milter: seen" added at the end of the header and
  "X-Test-Milter-Top: first" inserted at index 1, and a field with the macros it saw.
Each event is appended to LOG (one line each) when given.
"""
import sys
import time
import Milter

LOG = sys.argv[2] if len(sys.argv) > 2 else None


def note(line):
    if LOG:
        with open(LOG, "a") as f:
            f.write(line + "\n")


class TestMilter(Milter.Base):

    def __init__(self):
        self.id = Milter.uniqueID()

    def connect(self, hostname, family, hostaddr):
        self.client = hostaddr
        address = hostaddr[0] if hostaddr else ""
        note("connect %s %s %s daemon=%s j=%s" % (hostname, family, address,
                                                  self.getsymval("{daemon_name}"), self.getsymval("j")))
        if address == "127.0.0.2":
            self.setreply("554", "5.7.1", "Client refused by the test milter")
            return Milter.REJECT
        if address == "127.0.0.3":
            return Milter.ACCEPT
        return Milter.CONTINUE

    def hello(self, name):
        note("helo %s" % name)
        return Milter.CONTINUE

    def envfrom(self, mailfrom, *params):
        self.sender = mailfrom
        self.auth = self.getsymval("{auth_authen}")
        self.auth_type = self.getsymval("{auth_type}")
        self.subject = ""
        self.headers = []
        self.content = b""
        self.recipients = []
        note("mail %s %s auth=%s" % (mailfrom, " ".join(params), self.auth))
        if mailfrom.lower().startswith("<refuse@"):
            self.setreply("550", "5.7.1", "Sender refused by the test milter")
            return Milter.REJECT
        return Milter.CONTINUE

    def envrcpt(self, to, *params):
        note("rcpt %s %s" % (to, " ".join(params)))
        if to.lower().startswith("<blocked@"):
            return Milter.REJECT
        self.recipients.append(to)
        return Milter.CONTINUE

    def data(self):
        note("data")
        return Milter.CONTINUE

    def header(self, name, value):
        self.headers.append((name, value))
        if name.lower() == "subject":
            self.subject = value
            if "ACCEPTNOW" in value:
                note("accept at header")
                return Milter.ACCEPT
        return Milter.CONTINUE

    def eoh(self):
        note("eoh %d" % len(self.headers))
        return Milter.CONTINUE

    def body(self, chunk):
        self.content += chunk
        return Milter.CONTINUE

    def eom(self):
        s = self.subject
        note("eom i=%s headers=%s bodylen=%d" % (self.getsymval("i"), "|".join(n for n, v in self.headers),
                                                   len(self.content)))
        if "SLOW" in s:
            for _ in range(4):   # two seconds, telling the MTA it is still at work every half second
                time.sleep(0.5)
                self.progress()
        if "TEMPFAIL" in s:
            return Milter.TEMPFAIL
        if "REJECTME" in s:
            self.setreply("554", "5.7.1", "Content refused by the test milter")
            return Milter.REJECT
        if "DISCARD" in s:
            return Milter.DISCARD
        if "QUARANTINE" in s:
            self.quarantine("held by the test milter")
        for word in s.split():
            if word.startswith("ADDRCPT:"):
                self.addrcpt("<%s>" % word[8:])
            elif word.startswith("DELRCPT:"):
                self.delrcpt("<%s>" % word[8:])
            elif word.startswith("CHGFROM:"):
                self.chgfrom("<%s>" % word[8:])
        if "REWRITE" in s:
            self.chgheader("Subject", 1, "rewritten by the milter")
            self.chgheader("X-Remove", 1, "")
            self.replacebody(b"The body the milter wrote.\nSecond line.\n")
        self.addheader("X-Test-Milter", "seen")
        self.addheader("X-Test-Milter-Top", "first", 1)
        self.addheader("X-Test-Milter-Macros", "auth=%s auth_type=%s client=%s i=%s body=%d" % (
            self.auth, self.auth_type, self.getsymval("{client_addr}"), self.getsymval("i"), len(self.content)))
        self.addheader("X-Test-Milter-Folded", "one\n\ttwo")
        return Milter.CONTINUE

    def abort(self):
        note("abort")
        return Milter.CONTINUE

    def close(self):
        note("close")
        return Milter.CONTINUE


def main():
    Milter.factory = TestMilter
    Milter.set_flags(Milter.ADDHDRS | Milter.CHGHDRS | Milter.CHGBODY | Milter.ADDRCPT | Milter.DELRCPT
                     | Milter.CHGFROM | Milter.QUARANTINE)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    Milter.runmilter("tern-test", sys.argv[1], 60)


if __name__ == "__main__":
    main()
