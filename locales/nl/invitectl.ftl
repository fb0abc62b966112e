# invitectl: what invitees read, in Dutch (nl). Formal "u".

## Gedeeld door de pagina's

# Vóór de titel van een pagina die de problemen van een formulier toont, en
# vóór elk probleem bij het veld (voorgelezen door schermlezers).
error-prefix = Fout:
# Staat op de plaats van $contact als er geen contactadres is ingesteld.
your-administrator = uw beheerder
field-email = E-mail
field-first-name = Voornaam
field-last-name = Achternaam
field-password = Wachtwoord
field-confirm-password = Wachtwoord bevestigen
field-new-password = Nieuw wachtwoord
field-confirm-new-password = Nieuw wachtwoord bevestigen
help-email-username = Het e-mailadres van uw account: hiermee logt u in.
help-password = Minimaal { $min } tekens.
help-password-again = Voer het wachtwoord opnieuw in: het is niet bewaard.
help-confirm-password = Nogmaals hetzelfde wachtwoord.
problems-heading = Er is een probleem
problems-passwords-emptied = De wachtwoordvelden worden in dat geval altijd leeggemaakt: voer uw wachtwoord opnieuw in beide velden in.
detail-name = Naam
detail-role = Rol
detail-department = Afdeling
detail-teams = Teams
detail-none = geen
link-log-in = Inloggen
duration-minutes = { $count ->
    [one] 1 minuut
   *[other] { $count } minuten
}
duration-hours = { $count ->
    [one] 1 uur
   *[other] { $count } uur
}
duration-days = { $count ->
    [one] 1 dag
   *[other] { $count } dagen
}

## Problemen met een formulier, elk getoond bij het veld

problem-first-name-required = Voornaam is verplicht: voer een naam in die uit zichtbare tekens bestaat.
problem-first-name-too-long = Voornaam mag maximaal { $max } tekens lang zijn, zonder besturingstekens.
problem-last-name-required = Achternaam is verplicht: voer een naam in die uit zichtbare tekens bestaat.
problem-last-name-too-long = Achternaam mag maximaal { $max } tekens lang zijn, zonder besturingstekens.
problem-password-too-short = Het wachtwoord is te kort: gebruik minimaal { $min } tekens.
problem-password-too-long = Het wachtwoord is te lang: gebruik maximaal { $max } bytes.
problem-password-blank = Het wachtwoord bestaat alleen uit spaties of onzichtbare tekens: gebruik zichtbare letters, cijfers of symbolen.
problem-password-common = Dit wachtwoord is een van de meest gebruikte wachtwoorden, die aanvallers als eerste proberen: kies er een dat geen woord of bekend patroon is.
problem-passwords-differ = De wachtwoorden komen niet overeen: voer twee keer hetzelfde wachtwoord in.

## Uitnodiging accepteren

accept-title = Uitnodiging accepteren
# $organization en $email zijn al opgemaakt; laat de <strong>-tags staan.
accept-intro = U bent met het e-mailadres <strong class="address">{ $email }</strong> uitgenodigd voor <strong>{ $organization }</strong>.
accept-button = Accepteren en account aanmaken

## Uitnodiging verlopen, en "Nieuwe link aanvragen"

expired-title = Uitnodiging verlopen
expired-on = Deze uitnodiging is verlopen op { $date }.
# $contact is een link naar het contactadres, of "uw beheerder".
expired-contact = Neem contact op met { $contact } en vraag om een nieuwe uitnodiging.
expired-renew-auto = U kunt ook direct een nieuwe link aanvragen: die wordt per e-mail verstuurd naar het adres waarnaar deze uitnodiging is gestuurd.
expired-renew-admin = U kunt hier ook een nieuwe link aanvragen: uw beheerder krijgt daarvan bericht en stuurt de link per e-mail naar het adres waarnaar deze uitnodiging is gestuurd.
expired-renew-button = Nieuwe link aanvragen
renew-sent-title = Nieuwe link verstuurd
renew-sent-to = Er is een nieuwe link verstuurd naar { $address }.
renew-sent-until = Deze is geldig tot { $date }. De oude link werkt niet meer.
renew-sent-contact = Komt de link niet binnen een paar minuten aan, neem dan contact op met { $contact }.
renew-failed-title = Nieuwe link kon niet worden verstuurd
renew-failed = Er is een nieuwe uitnodiging voor { $address } aangemaakt, maar de e-mail kon op dit moment niet worden verstuurd.
renew-failed-contact = Neem contact op met { $contact } en vraag om de uitnodiging opnieuw te versturen.
renew-asked-title = Nieuwe link aangevraagd
renew-limit-reached = Voor deze uitnodiging kunnen geen nieuwe links meer automatisch worden verstuurd.
renew-asked = Uw beheerder is gevraagd u een nieuwe link te sturen. De link komt per e-mail naar { $address }.
renew-urgent-contact = Is het dringend, neem dan contact op met { $contact }.

## Links die niet werken

invalid-title = Ongeldige uitnodigingslink
invalid-text = Deze uitnodigingslink werkt niet. Mogelijk is de uitnodiging ingetrokken of vervangen door een nieuwere e-mail.
invalid-contact = Open de link in de meest recente uitnodigingsmail die u hebt ontvangen. Hebt u die niet, neem dan contact op met { $contact } en vraag om een nieuwe uitnodiging.
invalid-log-in = Inloggen, als u al een account hebt
used-title = Uitnodiging al geaccepteerd
used-text = Deze uitnodiging is al geaccepteerd, dus het account is al aangemaakt.
used-log-in = Log in met het e-mailadres van de uitnodiging en het wachtwoord dat toen is gekozen.
used-contact = Hebt u de uitnodiging niet zelf geaccepteerd? Neem dan meteen contact op met { $contact }.

## Fouten

unavailable-title = Tijdelijk niet beschikbaar
unavailable-text = De server kan de database op dit moment niet bereiken. Probeer het over een minuut opnieuw.
failed-title = Er is iets misgegaan
failed-text = De server kon dit verzoek niet afronden. Probeer het over een minuut opnieuw.
too-many-title = Te veel pogingen
too-many-text = Er zijn te veel mislukte pogingen gedaan vanaf uw netwerk of voor dit account. Wacht een paar minuten en probeer het dan opnieuw.
refused-title = Verzoek geweigerd
refused-text = Dit formulier is vanaf een andere website verstuurd en daarom niet geaccepteerd. Open de pagina op deze website en probeer het opnieuw.
busy-title = Server bezet
busy-text = Het is op dit moment erg druk op de server. Probeer het over een minuut opnieuw.
not-found-title = Pagina niet gevonden
not-found-text = Op dit adres is geen pagina te vinden.

## Inloggen en het overzicht

login-title = Inloggen
login-button = Inloggen
login-password-again = Voer uw wachtwoord opnieuw in: het is niet bewaard.
login-forgot = Wachtwoord vergeten?
login-wrong = Het e-mailadres of wachtwoord is onjuist.
login-inactive = Dit account is niet actief. Vraag uw beheerder om het opnieuw te activeren.
dashboard-title = Overzicht
dashboard-welcome = Welkom, { $name }
dashboard-your-name = Uw naam
dashboard-name-not-changed = Uw naam is niet gewijzigd.
dashboard-save-name = Naam opslaan
dashboard-log-out = Uitloggen

## Wachtwoord vergeten

forgot-title = Wachtwoord vergeten
forgot-intro = Voer het e-mailadres van uw account in. We sturen u een link waarmee u een nieuw wachtwoord kunt instellen; die is { $lifetime } geldig.
forgot-button = Herstellink versturen
forgot-back = Terug naar inloggen
forgot-email-missing = Voer het e-mailadres van uw account in.
forgot-sent-title = Controleer uw e-mail
forgot-sent = Als { $email } bij een actief account hoort, is er een link onderweg waarmee u een nieuw wachtwoord kunt instellen. Deze werkt één keer en is { $lifetime } geldig.
forgot-sent-spam = Na een paar minuten nog geen e-mail? Kijk in uw spammap of neem contact op met { $contact }.
reset-title = Nieuw wachtwoord instellen
# $organization is al opgemaakt; laat de <strong>-tags staan.
reset-intro = Kies een nieuw wachtwoord voor uw account bij <strong>{ $organization }</strong>. Daarmee wordt u op alle andere apparaten uitgelogd.
reset-button = Wachtwoord instellen
reset-invalid-title = Ongeldige herstellink
reset-invalid-text = Deze link om een nieuw wachtwoord in te stellen werkt niet. Mogelijk is hij al gebruikt of vervangen door een nieuwere e-mail.
reset-invalid-again = Gebruik de link in de meest recente e-mail, of vraag een nieuwe aan.
reset-expired-title = Herstellink verlopen
reset-expired-on = Deze link om een nieuw wachtwoord in te stellen is verlopen op { $date }.
reset-expired-again = Vraag een nieuwe aan: die is { $lifetime } geldig.
reset-ask-again = Nieuwe link aanvragen

## E-mails, gedeeld

mail-hello = Goedendag,
mail-hello-name = Beste { $name },
mail-department = Afdeling: { $department }
mail-teams = Teams: { $teams }
mail-paste-link = Of plak deze link in uw browser:
mail-ignore-invitation = Als u deze uitnodiging niet verwachtte, kunt u deze e-mail negeren.
mail-questions = Vragen? Neem contact op met { $contact }.

## De uitnodiging

invitation-subject = Uitnodiging voor { $organization }
invitation-intro = { $invited_by } heeft u uitgenodigd voor { $organization }, met de rol { $role }.
invitation-accept-here = Accepteer de uitnodiging en kies hier uw wachtwoord:
invitation-button = Uitnodiging accepteren
invitation-expires = Deze link werkt één keer en is geldig tot { $expires }.

## De herinnering

reminder-subject = Herinnering: uitnodiging voor { $organization }
reminder-intro = Ter herinnering: { $invited_by } heeft u uitgenodigd voor { $organization }, met de rol { $role }, en de uitnodiging staat nog voor u open.
reminder-accept-here = Accepteer de uitnodiging en kies hier uw wachtwoord:
reminder-expires = De uitnodiging is geldig tot { $expires }.
reminder-first-link = Tot die tijd werkt ook de link in de eerste e-mail; met de link die u als eerste gebruikt, wordt uw account aangemaakt.

## Een nieuwe link aangevraagd (aan de contactpersoon van de organisatie)

renewal-request-subject = { $email } vraagt om een nieuwe uitnodigingslink
renewal-request-intro = { $email } heeft een nieuwe link aangevraagd voor { $organization }: de uitnodiging (rol { $role }) is verlopen op { $expired }, en op de pagina ‘{ expired-title }’ is op ‘{ expired-renew-button }’ geklikt.
renewal-request-resend = Voer dit uit om een nieuwe uitnodiging te sturen:
renewal-request-list = Alle verzoeken van deze soort bekijken:
renewal-request-cancel = Moet deze persoon geen toegang krijgen? Trek de uitnodiging dan in:
renewal-request-signature = invitectl voor { $organization }

## Wachtwoord opnieuw instellen

reset-mail-subject = Nieuw wachtwoord instellen voor { $organization }
reset-mail-intro = Iemand heeft gevraagd om een nieuw wachtwoord in te stellen voor uw account { $email } bij { $organization }.
reset-mail-choose = Was u dat? Kies dan hier uw nieuwe wachtwoord:
reset-mail-button = Nieuw wachtwoord instellen
reset-mail-expires = Deze link werkt één keer en is geldig tot { $expires }.
reset-mail-logout = Als u een nieuw wachtwoord instelt, wordt u overal elders uitgelogd.
reset-mail-ignore = Hebt u hier niet om gevraagd, dan kunt u deze e-mail negeren: uw wachtwoord blijft ongewijzigd.

## Het einde van een account

end-warning-subject = Uw account bij { $organization } eindigt op { $date }
end-warning-intro = Uw account { $email } bij { $organization } eindigt op { $date }. Vanaf die dag kunt u niet meer inloggen.
end-warning-contact = Is dit een vergissing of hebt u uw account langer nodig? Neem dan contact op met { $contact }.
