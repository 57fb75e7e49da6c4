"""Core's e-mail channel: the e-mail a varsel sends, and a meeting's iCalendar invitation; both name
nobody and nothing.

The e-mail says that something waits in Stafett, with a link that opens it after login, and an
unsubscribe link (also as ``List-Unsubscribe``, RFC 8058). It never names the child, the family, the
concern, the unit or the service, and never carries the varsel's title. A meeting's invitation
(RFC 5545, ``METHOD:REQUEST`` or ``CANCEL``, made with ``icalendar``) is titled «Møte i Stafett» and
carries the time, the place as the organiser wrote it, the organiser and the link.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime

import icalendar

from contracts import ChannelMessage, MeetingInvite, NotificationChannel
from core import i18n
from core.config import SmtpConfig
from core.i18n import N_, _
from core.notify.writer import OSLO

MEETING_LENGTH = dt.timedelta(hours=1)
POLICY = email.policy.default.clone(max_line_length=998)  # a long link stays one plain header line
SUMMARY = N_("Møte i Stafett")


def body(message: ChannelMessage) -> str:
    """The plain text: that ``count`` varsler wait, the meeting's new state if one changed, the links;
    in the written form of the block it is made in (``i18n.use``: the recipient's)."""
    count, meeting = message.count, message.meeting
    what = (
        _("Det er noe som venter på deg i Stafett.")
        if count == 1
        else _("Det er {count} nye varsler til deg i Stafett.").format(count=count)
    )
    when = ""
    if meeting is not None:
        local = meeting.starts_at.astimezone(OSLO)
        said = (
            _("Et møte er avlyst: {date} kl. {time}.")
            if meeting.cancelled
            else _("Et møte har fått ny tid eller nytt sted: {date} kl. {time}.")
            if meeting.sequence
            else _("Et møte er satt opp: {date} kl. {time}.")
        ).format(date=f"{local:%d.%m.%Y}", time=f"{local:%H.%M}")
        when = "\n" + said + " " + _("Kalenderinvitasjonen ligger ved.") + "\n"
    return (
        _("Hei!")
        + f"\n\n{what}\n{when}\n"
        + _("Av hensyn til personvernet står det ikke i e-posten hva det gjelder. Logg inn for å se det:")
        + f"\n{message.link}\n\n"
        + _(
            "Du får denne e-posten fordi du er med i arbeidet etter Bedre tverrfaglig innsats (BTI) "
            "i {municipality}."
        ).format(municipality=message.municipality)
        + "\n"
        + _("Vil du ikke ha e-post fra Stafett? Meld deg av her: {link}").format(link=message.unsubscribe)
        + "\n"
    )


def subject(message: ChannelMessage) -> str:
    meeting = message.meeting
    if meeting is not None:
        return (
            _("Møte avlyst i Stafett")
            if meeting.cancelled
            else _("Endret møte i Stafett")
            if meeting.sequence
            else _("Invitasjon til møte i Stafett")
        )
    if message.count == 1:
        return _("Noe venter på deg i Stafett")
    return _("{count} nye varsler i Stafett").format(count=message.count)


def short_text(message: ChannelMessage) -> str:
    """The text of a short message (SMS) about ``message``: that something waits, who sends, the link;
    for a channel plugin, in the recipient's written form when sent from ``send``."""
    return _("Det er noe som venter på deg i Stafett ({municipality}): {link}").format(
        municipality=message.municipality, link=message.link
    )


def compose(message: ChannelMessage, sender: str) -> EmailMessage:
    """The e-mail of a channel message to one person, from ``sender``, in the written form of the block
    it is made in (``i18n.use``); its ``key`` makes the Message-ID stable."""
    meeting = message.meeting
    msg = EmailMessage(policy=POLICY)
    msg["From"] = f"Stafett <{sender}>"
    msg["To"] = message.address
    msg["Subject"] = subject(message)
    msg["Date"] = format_datetime(message.sent_at)
    msg["Message-ID"] = f"<{message.key}@stafett>"  # the same for a repeat, so a relay or reader can drop it
    msg["List-Unsubscribe"] = f"<{message.unsubscribe}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body(message))
    if meeting is not None:
        method = "CANCEL" if meeting.cancelled else "REQUEST"
        ics = invitation(meeting, attendee=message.address, link=message.link, now=message.sent_at)
        msg.add_attachment(
            ics, maintype="text", subtype="calendar", filename="invitasjon.ics", params={"method": method}
        )
    msg["Content-Language"] = i18n.current()  # last: setting the content replaces the Content-* headers
    return msg


def invitation(meeting: MeetingInvite, *, attendee: str, link: str, now: dt.datetime) -> bytes:
    """The meeting as an RFC 5545 calendar: REQUEST, or CANCEL of the same UID with a higher SEQUENCE."""
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//Stafett//Varsler//{i18n.current().upper()}")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if meeting.cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"{meeting.meeting_id}@stafett")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + MEETING_LENGTH)
    event.add("summary", _(SUMMARY))
    event.add("location", meeting.location or _("Se Stafett"))
    event.add("description", _("Se hva møtet gjelder i Stafett: {link}").format(link=link))
    event.add("url", link)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{meeting.organiser_email}")
    organizer.params["cn"] = icalendar.vText(meeting.organiser_name)
    event["organizer"] = organizer
    guest = icalendar.vCalAddress(f"mailto:{attendee}")
    guest.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    guest.params["rsvp"] = icalendar.vText("TRUE")
    event.add("attendee", guest, encode=False)
    cal.add_component(event)
    return cal.to_ical()


def connect(config: SmtpConfig) -> smtplib.SMTP:
    """A connection to the relay, with TLS as configured (verified against the system's CAs) and login."""
    context = ssl.create_default_context(cafile=config.ca_file)
    if config.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout_seconds, context=context
        )
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
        if config.security == "starttls":
            smtp.starttls(context=context)
    if config.username:
        smtp.login(config.username, config.password or "")
    return smtp


def email_channel(
    config: SmtpConfig, connect_: Callable[[], smtplib.SMTP] | None = None
) -> NotificationChannel:
    """E-mail as a varsel channel: each batch over one connection to the relay (``connect_`` for tests)."""

    def send(messages: list[ChannelMessage]) -> list[str | None]:
        smtp = (connect_ or (lambda: connect(config)))()
        errors: list[str | None] = []
        try:
            for message in messages:
                try:
                    smtp.send_message(compose(message, config.from_address))
                    errors.append(None)
                except (OSError, smtplib.SMTPException) as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        return errors

    return NotificationChannel(name="email", title=N_("E-post"), address="email", send=send)
