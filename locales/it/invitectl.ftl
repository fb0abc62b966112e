# invitectl: ciò che leggono gli invitati, in italiano (it). Registro formale
# con il "lei" in minuscolo ("lei", "la sua", "le invieremo") usato in modo
# coerente; pulsanti e link all'infinito ("Accedere"). Forme neutre rispetto
# al genere di chi legge (niente "benvenuto", "invitato", "disconnesso").
# Termini fissi: invito, link, password, account, amministratore, accedere.

## Testi comuni delle pagine

# Prima del titolo di una pagina che mostra i problemi di un modulo, e prima di
# ogni problema accanto al suo campo (letto ad alta voce dagli screen reader).
error-prefix = Errore:
# Sostituisce $contact quando non è impostato un indirizzo di contatto: compare
# sempre come complemento oggetto, dopo "contatti".
your-administrator = il suo amministratore
field-email = Email
field-first-name = Nome
field-last-name = Cognome
field-password = Password
field-confirm-password = Conferma password
field-new-password = Nuova password
field-confirm-new-password = Conferma nuova password
help-email-username = L'indirizzo email del suo account: lo usa per accedere.
help-password = Almeno { $min } caratteri.
help-password-again = La inserisca di nuovo: non è stata conservata.
help-confirm-password = Ripeta la stessa password.
problems-heading = Controlli i dati inseriti
problems-passwords-emptied = I campi della password vengono sempre svuotati in questo caso: inserisca di nuovo la password in entrambi i campi.
detail-name = Nome
detail-role = Ruolo
detail-department = Reparto
detail-teams = Team
detail-none = nessuno
link-log-in = Accedere
duration-minutes = { $count ->
    [one] 1 minuto
   *[other] { $count } minuti
}
duration-hours = { $count ->
    [one] 1 ora
   *[other] { $count } ore
}
duration-days = { $count ->
    [one] 1 giorno
   *[other] { $count } giorni
}

## Problemi di un modulo, ciascuno mostrato accanto al suo campo

problem-first-name-required = Il nome è obbligatorio: inserisca un nome composto da caratteri visibili.
problem-first-name-too-long = Il nome può contenere al massimo { $max } caratteri, senza caratteri di controllo.
problem-last-name-required = Il cognome è obbligatorio: inserisca un cognome composto da caratteri visibili.
problem-last-name-too-long = Il cognome può contenere al massimo { $max } caratteri, senza caratteri di controllo.
problem-password-too-short = La password è troppo corta: usi almeno { $min } caratteri.
problem-password-too-long = La password è troppo lunga: usi al massimo { $max } byte.
problem-password-blank = La password contiene solo spazi o caratteri invisibili: usi lettere, cifre o simboli visibili.
problem-password-common = La password è tra le più comuni, quelle che i malintenzionati provano per prime: ne scelga una che non sia una parola né uno schema noto.
problem-passwords-differ = Le password non coincidono: inserisca due volte la stessa password.

## Accettazione dell'invito

accept-title = Accettazione dell'invito
# $organization ed $email sono già formattati; i tag <strong> restano.
accept-intro = Ha ricevuto un invito a unirsi a <strong>{ $organization }</strong> con l'indirizzo <strong class="address">{ $email }</strong>.
accept-button = Accettare e creare l'account

## Invito scaduto, e "Richiedere un nuovo link"

# Le date ($date, $expires, $expired) iniziano con il giorno della settimana
# ("lunedì 3 marzo 2025"): vanno senza articolo ("scade lunedì…", "fino a lunedì…").
expired-title = Invito scaduto
expired-on = Questo invito è scaduto { $date }.
# $contact è un link all'indirizzo di contatto oppure "il suo amministratore".
expired-contact = Contatti { $contact } per chiedere un nuovo invito.
expired-renew-auto = Oppure richieda subito un nuovo link: le verrà inviato via email all'indirizzo a cui era stato inviato questo invito.
expired-renew-admin = Oppure richieda qui un nuovo link: il suo amministratore riceverà una notifica e glielo invierà via email all'indirizzo a cui era stato inviato questo invito.
expired-renew-button = Richiedere un nuovo link
renew-sent-title = Nuovo link inviato
renew-sent-to = Un nuovo link è in arrivo all'indirizzo { $address }.
renew-sent-until = È valido fino a { $date }. Il link precedente non funziona più.
renew-sent-contact = Se non arriva entro pochi minuti, contatti { $contact }.
renew-failed-title = Nuovo link non inviato
renew-failed = È stato creato un nuovo invito per { $address }, ma al momento non è stato possibile inviare l'email.
renew-failed-contact = Contatti { $contact } e chieda di inviarlo di nuovo.
renew-asked-title = Nuovo link richiesto
renew-limit-reached = Per questo invito sono già stati richiesti tutti i nuovi link ottenibili in autonomia.
renew-asked = Il suo amministratore ha ricevuto la richiesta di inviarle un nuovo link. Le arriverà via email all'indirizzo { $address }.
renew-urgent-contact = Se è urgente, contatti { $contact }.

## Link che non funzionano

invalid-title = Link di invito non valido
invalid-text = Questo link di invito non funziona. Potrebbe essere stato annullato o sostituito da un'email più recente.
invalid-contact = Apra il link contenuto nell'email di invito più recente che ha ricevuto. Se non ce n'è nessuna, contatti { $contact } per chiedere un nuovo invito.
invalid-log-in = Accedere, se ha già un account
used-title = Invito già accettato
used-text = Questo invito è già stato accettato, quindi l'account corrispondente è già stato creato.
used-log-in = Acceda con l'indirizzo email dell'invito e con la password scelta in quell'occasione.
used-contact = Se non ha accettato lei l'invito, contatti immediatamente { $contact }.

## Errori

unavailable-title = Temporaneamente non disponibile
unavailable-text = Al momento il server non riesce a raggiungere il proprio database. Riprovi tra un minuto.
failed-title = Si è verificato un errore
failed-text = Il server non è riuscito a completare questa richiesta. Riprovi tra un minuto.
too-many-title = Troppi tentativi
too-many-text = Ci sono stati troppi tentativi non riusciti dalla sua rete o per questo account. Attenda qualche minuto e riprovi.
refused-title = Richiesta rifiutata
refused-text = Questo modulo è stato inviato da un altro sito, quindi non è stato accettato. Apra la pagina su questo sito e riprovi.
busy-title = Server occupato
busy-text = Al momento il server è sovraccarico. Riprovi tra un minuto.
not-found-title = Pagina non trovata
not-found-text = Non esiste alcuna pagina a questo indirizzo.

## Accesso e area personale

login-title = Accesso
login-button = Accedere
login-password-again = Inserisca di nuovo la password: non è stata conservata.
login-forgot = Ha dimenticato la password?
login-wrong = L'indirizzo email o la password non sono corretti.
login-inactive = Questo account non è attivo: chieda al suo amministratore di riattivarlo.
dashboard-title = Area personale
dashboard-welcome = Le diamo il benvenuto, { $name }
dashboard-your-name = Il suo nome
dashboard-name-not-changed = Il suo nome non è stato modificato.
dashboard-save-name = Salvare il nome
dashboard-log-out = Uscire

## Password dimenticata

forgot-title = Password dimenticata
forgot-intro = Inserisca l'indirizzo email del suo account. Le invieremo via email un link per impostare una nuova password, valido per { $lifetime }.
forgot-button = Inviare il link di reimpostazione
forgot-back = Tornare all'accesso
forgot-email-missing = Inserisca l'indirizzo email del suo account.
forgot-sent-title = Controlli la sua casella di posta
forgot-sent = Se { $email } appartiene a un account attivo, è in arrivo un link per impostare una nuova password. Può essere usato una sola volta ed è valido per { $lifetime }.
forgot-sent-spam = Dopo qualche minuto non ha ancora ricevuto l'email? Controlli la cartella della posta indesiderata oppure contatti { $contact }.
reset-title = Impostazione di una nuova password
# $organization è già formattato; i tag <strong> restano.
reset-intro = Scelga una nuova password per il suo account presso <strong>{ $organization }</strong>. Una volta impostata, la sessione verrà chiusa su tutti gli altri dispositivi.
reset-button = Impostare la password
reset-invalid-title = Link di reimpostazione non valido
reset-invalid-text = Questo link per impostare una nuova password non funziona. Potrebbe essere già stato usato o sostituito da un'email più recente.
reset-invalid-again = Usi il link contenuto nell'email più recente oppure ne richieda uno nuovo.
reset-expired-title = Link di reimpostazione scaduto
reset-expired-on = Questo link per impostare una nuova password è scaduto { $date }.
reset-expired-again = Ne richieda uno nuovo: sarà valido per { $lifetime }.
reset-ask-again = Richiedere un nuovo link

## Email, testi comuni

mail-hello = Buongiorno,
mail-hello-name = Gentile { $name },
mail-department = Reparto: { $department }
mail-teams = Team: { $teams }
mail-paste-link = In alternativa, copi e incolli questo link nel suo browser:
mail-ignore-invitation = Se non si aspettava questo invito, può ignorare questa email.
mail-questions = Per qualsiasi domanda, contatti { $contact }.

## L'invito

invitation-subject = Invito a unirsi a { $organization }
invitation-intro = { $invited_by } le ha inviato un invito a unirsi a { $organization } con il ruolo di { $role }.
invitation-accept-here = Può accettare l'invito e scegliere la sua password qui:
invitation-button = Accettare l'invito
invitation-expires = Questo link può essere usato una sola volta e scade { $expires }.

## Il promemoria

reminder-subject = Promemoria: invito a unirsi a { $organization }
reminder-intro = Le ricordiamo che { $invited_by } le ha inviato un invito a unirsi a { $organization } con il ruolo di { $role } e che l'invito è ancora in attesa di essere accettato.
reminder-accept-here = Può accettarlo e scegliere la sua password qui:
reminder-expires = L'invito scade { $expires }.
reminder-first-link = Fino ad allora funziona anche il link contenuto nella prima email: il suo account verrà creato con quello che userà per primo.

## Richiesta di un nuovo link (inviata al contatto dell'organizzazione)

renewal-request-subject = { $email } chiede un nuovo link di invito
renewal-request-intro = { $email } ha chiesto un nuovo link per unirsi a { $organization }: l'invito ricevuto (ruolo { $role }) è scaduto { $expired } ed è stato premuto il pulsante «{ expired-renew-button }» nella pagina «{ expired-title }».
renewal-request-resend = Per inviare un nuovo invito, esegua:
renewal-request-list = Per vedere tutte le richieste di questo tipo:
renewal-request-cancel = Se non desidera che questa persona si unisca, annulli invece l'invito:
renewal-request-signature = invitectl per { $organization }

## Reimpostazione della password

reset-mail-subject = Reimpostazione della password per { $organization }
reset-mail-intro = È stato chiesto di impostare una nuova password per il suo account { $email } presso { $organization }.
reset-mail-choose = Se la richiesta è sua, scelga qui la nuova password:
reset-mail-button = Impostare una nuova password
reset-mail-expires = Questo link può essere usato una sola volta e scade { $expires }.
reset-mail-logout = Impostando una nuova password, la sessione verrà chiusa su tutti gli altri dispositivi.
reset-mail-ignore = Se non ha fatto lei questa richiesta, può ignorare questa email: la sua password resterà invariata.

## La scadenza di un account

end-warning-subject = Il suo account presso { $organization } scade { $date }
end-warning-intro = Il suo account { $email } presso { $organization } scade { $date }. Da quel giorno non potrà più accedere.
end-warning-contact = Se si tratta di un errore o se ha bisogno dell'account più a lungo, contatti { $contact }.
