# invitectl: what invitees read, in German (de). Formal "Sie".

## Gemeinsame Texte der Seiten

# Vor dem Titel einer Seite, die Probleme eines Formulars zeigt, und vor jedem
# Problem an seinem Feld (wird von Screenreadern vorgelesen).
error-prefix = Fehler:
# Steht für $contact, wenn keine Kontaktadresse gesetzt ist: immer nach „an“.
your-administrator = Ihren Administrator
field-email = E-Mail
field-first-name = Vorname
field-last-name = Nachname
field-password = Passwort
field-confirm-password = Passwort bestätigen
field-new-password = Neues Passwort
field-confirm-new-password = Neues Passwort bestätigen
help-email-username = Die E-Mail-Adresse Ihres Kontos. Mit ihr melden Sie sich an.
help-password = Mindestens { $min } Zeichen.
help-password-again = Bitte geben Sie das Passwort erneut ein: Es wurde nicht übernommen.
help-confirm-password = Dasselbe Passwort noch einmal.
problems-heading = Bitte prüfen Sie Ihre Eingaben
problems-passwords-emptied = Die Passwortfelder werden in diesem Fall immer geleert: Bitte geben Sie Ihr Passwort erneut in beide Felder ein.
detail-name = Name
detail-role = Rolle
detail-department = Abteilung
detail-teams = Teams
detail-none = keine
link-log-in = Anmelden
duration-minutes = { $count ->
    [one] 1 Minute
   *[other] { $count } Minuten
}
duration-hours = { $count ->
    [one] 1 Stunde
   *[other] { $count } Stunden
}
duration-days = { $count ->
    [one] 1 Tag
   *[other] { $count } Tage
}

## Probleme mit einem Formular, jeweils am Feld angezeigt

problem-first-name-required = Der Vorname fehlt: Bitte geben Sie einen Namen aus sichtbaren Zeichen ein.
problem-first-name-too-long = Der Vorname darf höchstens { $max } Zeichen lang sein und keine Steuerzeichen enthalten.
problem-last-name-required = Der Nachname fehlt: Bitte geben Sie einen Namen aus sichtbaren Zeichen ein.
problem-last-name-too-long = Der Nachname darf höchstens { $max } Zeichen lang sein und keine Steuerzeichen enthalten.
problem-password-too-short = Das Passwort ist zu kurz: Verwenden Sie mindestens { $min } Zeichen.
problem-password-too-long = Das Passwort ist zu lang: Verwenden Sie höchstens { $max } Byte.
problem-password-blank = Das Passwort besteht nur aus Leerzeichen oder unsichtbaren Zeichen: Verwenden Sie sichtbare Buchstaben, Ziffern oder Sonderzeichen.
problem-password-common = Das Passwort gehört zu den häufigsten Passwörtern, die Angreifer zuerst ausprobieren: Wählen Sie eines, das kein Wort und kein bekanntes Muster ist.
problem-passwords-differ = Die Passwörter stimmen nicht überein: Geben Sie zweimal dasselbe Passwort ein.

## Einladung annehmen

accept-title = Einladung annehmen
# $organization und $email sind bereits ausgezeichnet; die <strong>-Tags bleiben.
accept-intro = Sie wurden mit der Adresse <strong class="address">{ $email }</strong> zu <strong>{ $organization }</strong> eingeladen.
accept-button = Annehmen und Konto erstellen

## Einladung abgelaufen, und „Neuen Link anfordern“

expired-title = Einladung abgelaufen
expired-on = Diese Einladung ist am { $date } abgelaufen.
# $contact ist ein Link zur Kontaktadresse oder „Ihren Administrator“.
expired-contact = Bitte wenden Sie sich an { $contact } und bitten Sie um eine neue Einladung.
expired-renew-auto = Oder fordern Sie hier gleich einen neuen Link an: Er wird per E-Mail an die Adresse gesendet, an die diese Einladung ging.
expired-renew-admin = Oder fordern Sie hier einen neuen Link an: Ihr Administrator wird benachrichtigt und sendet ihn per E-Mail an die Adresse, an die diese Einladung ging.
expired-renew-button = Neuen Link anfordern
renew-sent-title = Neuer Link gesendet
renew-sent-to = Ein neuer Link wurde an { $address } gesendet.
renew-sent-until = Er ist gültig bis { $date }. Der alte Link funktioniert nicht mehr.
renew-sent-contact = Falls der Link nicht innerhalb weniger Minuten ankommt, wenden Sie sich bitte an { $contact }.
renew-failed-title = Neuer Link konnte nicht gesendet werden
renew-failed = Für { $address } wurde eine neue Einladung erstellt, aber die E-Mail dazu konnte gerade nicht gesendet werden.
renew-failed-contact = Bitte wenden Sie sich an { $contact } und bitten Sie darum, die Einladung erneut zu senden.
renew-asked-title = Neuer Link angefordert
renew-limit-reached = Für diese Einladung können keine weiteren Links mehr automatisch gesendet werden.
renew-asked = Ihr Administrator wurde gebeten, Ihnen einen neuen Link zu senden. Der Link kommt per E-Mail an { $address }.
renew-urgent-contact = Wenn es eilt, wenden Sie sich bitte an { $contact }.

## Links, die nicht funktionieren

invalid-title = Ungültiger Einladungslink
invalid-text = Dieser Einladungslink funktioniert nicht. Möglicherweise wurde die Einladung zurückgezogen oder durch eine neuere E-Mail ersetzt.
invalid-contact = Öffnen Sie den Link in der neuesten Einladungs-E-Mail, die Sie erhalten haben. Falls es keine gibt, wenden Sie sich bitte an { $contact } und bitten Sie um eine neue Einladung.
invalid-log-in = Anmelden, falls Sie bereits ein Konto haben
used-title = Einladung bereits angenommen
used-text = Diese Einladung wurde bereits angenommen, das Konto ist also schon eingerichtet.
used-log-in = Melden Sie sich mit der E-Mail-Adresse der Einladung und dem damals gewählten Passwort an.
used-contact = Falls Sie die Einladung nicht selbst angenommen haben, wenden Sie sich bitte umgehend an { $contact }.

## Fehler

unavailable-title = Vorübergehend nicht verfügbar
unavailable-text = Der Server kann seine Datenbank gerade nicht erreichen. Bitte versuchen Sie es in einer Minute erneut.
failed-title = Ein Fehler ist aufgetreten
failed-text = Der Server konnte diese Anfrage nicht abschließen. Bitte versuchen Sie es in einer Minute erneut.
too-many-title = Zu viele Versuche
too-many-text = Es gab zu viele fehlgeschlagene Versuche aus Ihrem Netzwerk oder für dieses Konto. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.
refused-title = Anfrage abgelehnt
refused-text = Dieses Formular wurde von einer anderen Website gesendet und deshalb nicht angenommen. Öffnen Sie die Seite auf dieser Website und versuchen Sie es erneut.
busy-title = Server ausgelastet
busy-text = Der Server ist gerade ausgelastet. Bitte versuchen Sie es in einer Minute erneut.
not-found-title = Seite nicht gefunden
not-found-text = Unter dieser Adresse gibt es keine Seite.

## Anmeldung und Übersicht

login-title = Anmelden
login-button = Anmelden
login-password-again = Bitte geben Sie Ihr Passwort erneut ein: Es wurde nicht übernommen.
login-forgot = Passwort vergessen?
login-wrong = Die E-Mail-Adresse oder das Passwort ist falsch.
login-inactive = Dieses Konto ist inaktiv. Bitten Sie Ihren Administrator, es wieder zu aktivieren.
dashboard-title = Übersicht
dashboard-welcome = Willkommen, { $name }
dashboard-your-name = Ihr Name
dashboard-name-not-changed = Ihr Name wurde nicht geändert.
dashboard-save-name = Name speichern
dashboard-log-out = Abmelden

## Passwort vergessen

forgot-title = Passwort vergessen
forgot-intro = Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir senden Ihnen einen Link, mit dem Sie ein neues Passwort festlegen können; er ist { $lifetime } lang gültig.
forgot-button = Link zum Zurücksetzen senden
forgot-back = Zurück zur Anmeldung
forgot-email-missing = Bitte geben Sie die E-Mail-Adresse Ihres Kontos ein.
forgot-sent-title = Prüfen Sie Ihr Postfach
forgot-sent = Falls { $email } zu einem aktiven Konto gehört, ist ein Link zum Festlegen eines neuen Passworts unterwegs. Er kann einmal verwendet werden und ist { $lifetime } lang gültig.
forgot-sent-spam = Nach ein paar Minuten noch keine E-Mail? Sehen Sie in Ihrem Spam-Ordner nach oder wenden Sie sich an { $contact }.
reset-title = Neues Passwort festlegen
# $organization ist bereits ausgezeichnet; die <strong>-Tags bleiben.
reset-intro = Wählen Sie ein neues Passwort für Ihr Konto bei <strong>{ $organization }</strong>. Dadurch werden Sie auf allen anderen Geräten abgemeldet.
reset-button = Passwort festlegen
reset-invalid-title = Ungültiger Link zum Zurücksetzen
reset-invalid-text = Dieser Link zum Festlegen eines neuen Passworts funktioniert nicht. Möglicherweise wurde er bereits verwendet oder durch eine neuere E-Mail ersetzt.
reset-invalid-again = Verwenden Sie den Link aus der neuesten E-Mail oder fordern Sie einen neuen an.
reset-expired-title = Link zum Zurücksetzen abgelaufen
reset-expired-on = Dieser Link zum Festlegen eines neuen Passworts ist am { $date } abgelaufen.
reset-expired-again = Fordern Sie einen neuen an: Er ist { $lifetime } lang gültig.
reset-ask-again = Neuen Link anfordern

## E-Mails, gemeinsame Texte

mail-hello = Hallo,
mail-hello-name = Hallo { $name },
mail-department = Abteilung: { $department }
mail-teams = Teams: { $teams }
mail-paste-link = Oder kopieren Sie diesen Link in Ihren Browser:
mail-ignore-invitation = Wenn Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.
mail-questions = Bei Fragen wenden Sie sich an { $contact }.

## Die Einladung

invitation-subject = Ihre Einladung zu { $organization }
invitation-intro = { $invited_by } hat Sie als { $role } zu { $organization } eingeladen.
invitation-accept-here = Hier nehmen Sie die Einladung an und wählen Ihr Passwort:
invitation-button = Einladung annehmen
invitation-expires = Dieser Link kann einmal verwendet werden und ist gültig bis { $expires }.

## Die Erinnerung

reminder-subject = Erinnerung: Ihre Einladung zu { $organization }
reminder-intro = Zur Erinnerung: { $invited_by } hat Sie als { $role } zu { $organization } eingeladen, und die Einladung ist noch offen.
reminder-accept-here = Hier nehmen Sie sie an und wählen Ihr Passwort:
reminder-expires = Die Einladung ist gültig bis { $expires }.
reminder-first-link = Bis dahin funktioniert auch der Link aus der ersten E-Mail; mit dem Link, den Sie zuerst verwenden, wird Ihr Konto eingerichtet.

## Ein neuer Link wurde angefordert (an den Kontakt der Organisation)

renewal-request-subject = { $email } bittet um einen neuen Einladungslink
renewal-request-intro = { $email } hat einen neuen Link angefordert, um { $organization } beizutreten: Die Einladung (Rolle { $role }) ist am { $expired } abgelaufen, und auf der Seite „{ expired-title }“ wurde auf „{ expired-renew-button }“ geklickt.
renewal-request-resend = Um eine neue Einladung zu senden, führen Sie Folgendes aus:
renewal-request-list = Um alle Anfragen dieser Art anzuzeigen:
renewal-request-cancel = Soll die Person nicht beitreten, ziehen Sie die Einladung stattdessen zurück:
renewal-request-signature = invitectl für { $organization }

## Passwort zurücksetzen

reset-mail-subject = Neues Passwort für { $organization } festlegen
reset-mail-intro = Jemand hat angefordert, ein neues Passwort für Ihr Konto { $email } bei { $organization } festzulegen.
reset-mail-choose = Wenn Sie das waren, wählen Sie hier Ihr neues Passwort:
reset-mail-button = Neues Passwort festlegen
reset-mail-expires = Dieser Link kann einmal verwendet werden und ist gültig bis { $expires }.
reset-mail-logout = Wenn Sie ein neues Passwort festlegen, werden Sie überall sonst abgemeldet.
reset-mail-ignore = Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren: Ihr Passwort bleibt unverändert.

## Das Ende eines Kontos

end-warning-subject = Ihr Konto bei { $organization } endet am { $date }
end-warning-intro = Ihr Konto { $email } bei { $organization } endet am { $date }. Ab diesem Tag können Sie sich nicht mehr anmelden.
end-warning-contact = Falls das ein Irrtum ist oder Sie Ihr Konto länger benötigen, wenden Sie sich bitte an { $contact }.
