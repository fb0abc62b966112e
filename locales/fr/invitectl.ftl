# invitectl : ce que lisent les personnes invitées, en français (fr). Registre
# formel (« vous »). Termes utilisés dans tout le fichier : invitation, lien,
# mot de passe, compte, administrateur, se connecter (nom : connexion).

## Textes communs aux pages

# Avant le titre d’une page qui affiche les problèmes d’un formulaire, et avant
# chaque problème à côté de son champ (lu par les lecteurs d’écran).
error-prefix = Erreur :
# Remplace $contact quand aucune adresse de contact n’est définie : toujours
# complément direct, après « contacter » ou « contactez ».
your-administrator = votre administrateur
field-email = Adresse e-mail
field-first-name = Prénom
field-last-name = Nom
field-password = Mot de passe
field-confirm-password = Confirmer le mot de passe
field-new-password = Nouveau mot de passe
field-confirm-new-password = Confirmer le nouveau mot de passe
help-email-username = L’adresse e-mail de votre compte : c’est avec elle que vous vous connectez.
help-password = Au moins { $min } caractères.
help-password-again = Veuillez saisir à nouveau le mot de passe : il n’a pas été conservé.
help-confirm-password = Le même mot de passe, une seconde fois.
problems-heading = Veuillez vérifier votre saisie
problems-passwords-emptied = Les champs de mot de passe ont été vidés, comme c’est toujours le cas : veuillez saisir à nouveau votre mot de passe dans les deux champs.
detail-name = Nom
detail-role = Rôle
detail-department = Service
detail-teams = Équipes
# Valeur d’un service ou d’une liste d’équipes vide : « néant » convient aux deux.
detail-none = néant
link-log-in = Se connecter
# En français, la catégorie « one » couvre 0 et 1 : écrire { $count }, jamais « 1 ».
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
}
duration-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}

## Problèmes d’un formulaire, chacun affiché à côté de son champ

problem-first-name-required = Le prénom est obligatoire : veuillez saisir un prénom composé de caractères visibles.
problem-first-name-too-long = Le prénom ne doit pas dépasser { $max } caractères ni contenir de caractères de contrôle.
problem-last-name-required = Le nom est obligatoire : veuillez saisir un nom composé de caractères visibles.
problem-last-name-too-long = Le nom ne doit pas dépasser { $max } caractères ni contenir de caractères de contrôle.
problem-password-too-short = Le mot de passe est trop court : utilisez au moins { $min } caractères.
problem-password-too-long = Le mot de passe est trop long : utilisez au plus { $max } octets.
problem-password-blank = Le mot de passe ne contient que des espaces ou des caractères invisibles : utilisez des lettres, des chiffres ou des symboles visibles.
problem-password-common = Ce mot de passe fait partie des plus courants, ceux que les attaquants essaient en premier : choisissez-en un qui ne soit ni un mot ni une combinaison connue.
problem-passwords-differ = Les mots de passe ne correspondent pas : saisissez deux fois le même mot de passe.

## Accepter l’invitation

accept-title = Accepter l’invitation
# $organization et $email sont déjà balisés ; conservez les balises <strong>.
accept-intro = Vous avez reçu une invitation à rejoindre <strong>{ $organization }</strong> avec l’adresse <strong class="address">{ $email }</strong>.
accept-button = Accepter et créer le compte

## Invitation expirée, et « M’envoyer un nouveau lien »

expired-title = Invitation expirée
expired-on = Cette invitation a expiré le { $date }.
# $contact est un lien vers l’adresse de contact, ou « votre administrateur ».
expired-contact = Veuillez contacter { $contact } pour demander une nouvelle invitation.
expired-renew-auto = Vous pouvez aussi obtenir immédiatement un nouveau lien : il sera envoyé par e-mail à l’adresse à laquelle cette invitation a été envoyée.
expired-renew-admin = Vous pouvez aussi demander ici un nouveau lien : votre administrateur en sera informé et vous l’enverra par e-mail à l’adresse à laquelle cette invitation a été envoyée.
expired-renew-button = M’envoyer un nouveau lien
renew-sent-title = Nouveau lien envoyé
renew-sent-to = Un nouveau lien est en cours d’envoi à { $address }.
renew-sent-until = Il est valable jusqu’au { $date }. L’ancien lien ne fonctionne plus.
renew-sent-contact = S’il ne vous parvient pas d’ici quelques minutes, veuillez contacter { $contact }.
renew-failed-title = Le nouveau lien n’a pas pu être envoyé
renew-failed = Une nouvelle invitation a été créée pour { $address }, mais l’e-mail correspondant n’a pas pu être envoyé pour le moment.
renew-failed-contact = Veuillez contacter { $contact } et lui demander de vous la renvoyer.
renew-asked-title = Nouveau lien demandé
renew-limit-reached = Cette invitation a déjà reçu tous les nouveaux liens qu’elle pouvait obtenir automatiquement.
renew-asked = Nous avons demandé à votre administrateur de vous envoyer un nouveau lien. Il vous parviendra par e-mail à l’adresse { $address }.
renew-urgent-contact = En cas d’urgence, veuillez contacter { $contact }.

## Liens qui ne fonctionnent pas

invalid-title = Lien d’invitation non valide
invalid-text = Ce lien d’invitation ne fonctionne pas. L’invitation a peut-être été annulée, ou remplacée par un e-mail plus récent.
invalid-contact = Ouvrez le lien de l’e-mail d’invitation le plus récent que vous avez reçu. Si vous n’en avez aucun, veuillez contacter { $contact } pour demander une nouvelle invitation.
invalid-log-in = Se connecter, si vous avez déjà un compte
used-title = Invitation déjà acceptée
used-text = Cette invitation a déjà été acceptée : le compte correspondant est donc déjà créé.
used-log-in = Connectez-vous avec l’adresse e-mail de l’invitation et le mot de passe choisi à ce moment-là.
used-contact = Si ce n’est pas vous qui l’avez acceptée, veuillez contacter { $contact } immédiatement.

## Erreurs

unavailable-title = Service temporairement indisponible
unavailable-text = Le serveur ne parvient pas à joindre sa base de données pour le moment. Veuillez réessayer dans une minute.
failed-title = Une erreur s’est produite
failed-text = Le serveur n’a pas pu terminer le traitement de cette demande. Veuillez réessayer dans une minute.
too-many-title = Trop de tentatives
too-many-text = Trop de tentatives ont échoué depuis votre réseau ou pour ce compte. Veuillez patienter quelques minutes, puis réessayer.
refused-title = Demande refusée
refused-text = Ce formulaire a été envoyé depuis un autre site, il n’a donc pas été accepté. Ouvrez la page sur ce site et réessayez.
busy-title = Serveur occupé
busy-text = Le serveur est occupé. Veuillez réessayer dans une minute.
not-found-title = Page introuvable
not-found-text = Il n’y a aucune page à cette adresse.

## Connexion et tableau de bord

login-title = Connexion
login-button = Se connecter
login-password-again = Veuillez saisir à nouveau votre mot de passe : il n’a pas été conservé.
login-forgot = Mot de passe oublié ?
login-wrong = L’adresse e-mail ou le mot de passe est incorrect.
login-inactive = Ce compte est désactivé ; demandez à votre administrateur de le réactiver.
dashboard-title = Tableau de bord
dashboard-welcome = Bienvenue, { $name }
dashboard-your-name = Votre nom
dashboard-name-not-changed = Votre nom n’a pas été modifié.
dashboard-save-name = Enregistrer le nom
dashboard-log-out = Se déconnecter

## Mot de passe oublié

forgot-title = Mot de passe oublié
forgot-intro = Saisissez l’adresse e-mail de votre compte. Nous vous enverrons un lien pour définir un nouveau mot de passe ; il sera valable { $lifetime }.
forgot-button = Envoyer le lien de réinitialisation
forgot-back = Retour à la connexion
forgot-email-missing = Veuillez saisir l’adresse e-mail de votre compte.
forgot-sent-title = Consultez votre messagerie
forgot-sent = Si { $email } correspond à un compte actif, un lien pour définir un nouveau mot de passe vous a été envoyé. Il ne peut être utilisé qu’une seule fois et reste valable { $lifetime }.
forgot-sent-spam = Toujours aucun e-mail après quelques minutes ? Vérifiez votre dossier de courrier indésirable ou contactez { $contact }.
reset-title = Définir un nouveau mot de passe
# $organization est déjà balisé ; conservez les balises <strong>.
reset-intro = Choisissez un nouveau mot de passe pour votre compte chez <strong>{ $organization }</strong>. Cette opération vous déconnecte de tous vos autres appareils.
reset-button = Définir le mot de passe
reset-invalid-title = Lien de réinitialisation non valide
reset-invalid-text = Ce lien pour définir un nouveau mot de passe ne fonctionne pas. Il a peut-être déjà été utilisé, ou remplacé par un e-mail plus récent.
reset-invalid-again = Utilisez le lien de l’e-mail le plus récent, ou demandez-en un nouveau.
reset-expired-title = Lien de réinitialisation expiré
reset-expired-on = Ce lien pour définir un nouveau mot de passe a expiré le { $date }.
reset-expired-again = Demandez-en un nouveau : il sera valable { $lifetime }.
reset-ask-again = Demander un nouveau lien

## E-mails, textes communs

mail-hello = Bonjour,
mail-hello-name = Bonjour { $name },
mail-department = Service : { $department }
mail-teams = Équipes : { $teams }
mail-paste-link = Vous pouvez aussi copier ce lien dans votre navigateur :
mail-ignore-invitation = Si vous n’attendiez pas cette invitation, vous pouvez ignorer cet e-mail.
mail-questions = Pour toute question, veuillez contacter { $contact }.

## L’invitation

invitation-subject = Invitation à rejoindre { $organization }
invitation-intro = { $invited_by } vous invite à rejoindre { $organization } avec le rôle { $role }.
invitation-accept-here = Acceptez l’invitation et choisissez votre mot de passe ici :
invitation-button = Accepter l’invitation
invitation-expires = Ce lien ne peut être utilisé qu’une seule fois et expire le { $expires }.

## Le rappel

reminder-subject = Rappel : invitation à rejoindre { $organization }
reminder-intro = Pour rappel, { $invited_by } vous a adressé une invitation à rejoindre { $organization } avec le rôle { $role }, et cette invitation est toujours en attente.
reminder-accept-here = Acceptez-la et choisissez votre mot de passe ici :
reminder-expires = L’invitation expire le { $expires }.
reminder-first-link = D’ici là, le lien du premier e-mail fonctionne aussi ; le premier lien que vous utiliserez créera votre compte.

## Demande d’un nouveau lien (envoyée au contact de l’organisation)

renewal-request-subject = { $email } demande un nouveau lien d’invitation
renewal-request-intro = { $email } a demandé un nouveau lien pour rejoindre { $organization } : son invitation (rôle { $role }) a expiré le { $expired }, et la personne a cliqué sur « { expired-renew-button } » sur la page « { expired-title } ».
renewal-request-resend = Pour lui envoyer une nouvelle invitation, exécutez :
renewal-request-list = Pour afficher toutes les demandes de ce type :
renewal-request-cancel = Si vous ne souhaitez pas que cette personne rejoigne l’organisation, annulez plutôt l’invitation :
renewal-request-signature = invitectl pour { $organization }

## Réinitialisation du mot de passe

reset-mail-subject = Réinitialisation de votre mot de passe pour { $organization }
reset-mail-intro = Quelqu’un a demandé à définir un nouveau mot de passe pour votre compte { $email } chez { $organization }.
reset-mail-choose = Si vous êtes à l’origine de cette demande, choisissez votre nouveau mot de passe ici :
reset-mail-button = Définir un nouveau mot de passe
reset-mail-expires = Ce lien ne peut être utilisé qu’une seule fois et expire le { $expires }.
reset-mail-logout = La définition d’un nouveau mot de passe vous déconnecte de tous vos autres appareils.
reset-mail-ignore = Si vous n’êtes pas à l’origine de cette demande, vous pouvez ignorer cet e-mail : votre mot de passe reste inchangé.

## La fin d’un compte

end-warning-subject = Votre compte chez { $organization } prend fin le { $date }
end-warning-intro = Votre compte { $email } chez { $organization } prend fin le { $date }. À partir de cette date, vous ne pourrez plus vous connecter.
end-warning-contact = S’il s’agit d’une erreur ou si vous avez besoin de votre compte plus longtemps, veuillez contacter { $contact }.
