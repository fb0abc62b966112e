# invitectl: what invitees read, in English. One message per thing said;
# every other locales/<code>/invitectl.ftl has exactly these messages, with
# the same variables (a test checks). Terms used throughout: invitation,
# link, password, account, administrator.

## Shared by the pages

# Before the title of a page that shows a form's problems, and before each
# problem at its field (read out by screen readers).
error-prefix = Error:
your-administrator = your administrator
field-email = Email
field-first-name = First Name
field-last-name = Last Name
field-password = Password
field-confirm-password = Confirm Password
field-new-password = New Password
field-confirm-new-password = Confirm New Password
help-email-username = Your account's address: you log in with it.
help-password = At least { $min } characters.
help-password-again = Type it again: it was not kept.
help-confirm-password = The same password again.
problems-heading = There is a problem
problems-passwords-emptied = The password fields were emptied, as they always are: type your password in both again.
detail-name = Name
detail-role = Role
detail-department = Department
detail-teams = Teams
detail-none = none
link-log-in = Log in
duration-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] 1 hour
   *[other] { $count } hours
}
duration-days = { $count ->
    [one] 1 day
   *[other] { $count } days
}

## Problems with a form, each shown at its field

problem-first-name-required = First Name is required: type a name made of visible characters.
problem-first-name-too-long = First Name must be at most { $max } characters, without control characters.
problem-last-name-required = Last Name is required: type a name made of visible characters.
problem-last-name-too-long = Last Name must be at most { $max } characters, without control characters.
problem-password-too-short = The password is too short: use at least { $min } characters.
problem-password-too-long = The password is too long: use at most { $max } bytes.
problem-password-blank = The password is only spaces or invisible characters: use letters, digits or symbols you can see.
problem-password-common = The password is one of the most common passwords, which attackers try first: choose one that is not a word or a well-known pattern.
problem-passwords-differ = The passwords do not match: type the same password twice.

## Accept Invitation

accept-title = Accept Invitation
# $organization and $email are already marked up; keep the <strong> tags.
accept-intro = You have been invited to join <strong>{ $organization }</strong> as <strong class="address">{ $email }</strong>.
accept-button = Accept & Create Account

## Invitation Expired, and "Send me a new link"

expired-title = Invitation Expired
expired-on = This invitation expired on { $date }.
# $contact is a link to the contact address, or "your administrator".
expired-contact = Please contact { $contact } and ask for a new invitation.
expired-renew-auto = Or get a new link right away: it goes by email to the address this invitation was sent to.
expired-renew-admin = Or ask for a new link here: your administrator is told, and sends it by email to the address this invitation was sent to.
expired-renew-button = Send me a new link
renew-sent-title = New Link Sent
renew-sent-to = A new link is on its way to { $address }.
renew-sent-until = It works until { $date }. The old link no longer does.
renew-sent-contact = If it does not arrive within a few minutes, please contact { $contact }.
renew-failed-title = New Link Not Sent
renew-failed = A new invitation for { $address } was made, but its email could not be sent just now.
renew-failed-contact = Please contact { $contact } and ask them to send it again.
renew-asked-title = New Link Requested
renew-limit-reached = This invitation has had as many new links as it may get by itself.
renew-asked = Your administrator has been asked to send you a new link. It will come by email to { $address }.
renew-urgent-contact = If it is urgent, please contact { $contact }.

## Links that do not work

invalid-title = Invalid Token
invalid-text = This invitation link does not work. It may have been cancelled, or replaced by a newer email.
invalid-contact = Open the link in the most recent invitation email you got. If there is none, please contact { $contact } and ask for a new invitation.
invalid-log-in = Log in, if you have an account already
used-title = Invitation Already Accepted
used-text = This invitation has been accepted already, so its account is set up.
used-log-in = Log in with its email address and the password chosen then.
used-contact = If you did not accept it yourself, please contact { $contact } at once.

## Errors

unavailable-title = Temporarily Unavailable
unavailable-text = The server cannot reach its database right now. Please try again in a minute.
failed-title = Something Went Wrong
failed-text = The server could not finish this request. Please try again in a minute.
too-many-title = Too Many Attempts
too-many-text = There were too many failed attempts from your network or for this account. Please wait a few minutes and try again.
refused-title = Request Refused
refused-text = This form was sent from another site, so it was not accepted. Open the page on this site and try again.
busy-title = Busy
busy-text = The server is busy. Please try again in a minute.
not-found-title = Page Not Found
not-found-text = There is nothing at this address.

## Log In and the dashboard

login-title = Log In
login-button = Log In
login-password-again = Type your password again: it was not kept.
login-forgot = Forgot your password?
login-wrong = The email or password is incorrect.
login-inactive = This account is inactive; ask your administrator to reactivate it.
dashboard-title = Dashboard
dashboard-welcome = Welcome, { $name }
dashboard-your-name = Your name
dashboard-name-not-changed = Your name was not changed.
dashboard-save-name = Save name
dashboard-log-out = Log out

## Forgotten password

forgot-title = Forgot Password
forgot-intro = Type the email address of your account. We will mail you a link to set a new password; it works for { $lifetime }.
forgot-button = Send Reset Link
forgot-back = Back to log in
forgot-email-missing = Type the email address of your account.
forgot-sent-title = Check Your Email
forgot-sent = If { $email } belongs to an active account, a link to set a new password is on its way. It works once, for { $lifetime }.
forgot-sent-spam = No email after a few minutes? Look in your spam folder, or ask { $contact }.
reset-title = Set a New Password
# $organization is already marked up; keep the <strong> tags.
reset-intro = Choose a new password for your account at <strong>{ $organization }</strong>. Setting it logs you out on every other device.
reset-button = Set Password
reset-invalid-title = Invalid Reset Link
reset-invalid-text = This link to set a new password does not work. It may have been used already, or replaced by a newer email.
reset-invalid-again = Use the link in the most recent email, or ask for a new one.
reset-expired-title = Reset Link Expired
reset-expired-on = This link to set a new password expired on { $date }.
reset-expired-again = Ask for a new one: it works for { $lifetime }.
reset-ask-again = Ask for a new link

## Mail, shared

mail-hello = Hello,
mail-hello-name = Hello { $name },
mail-department = Department: { $department }
mail-teams = Teams: { $teams }
mail-paste-link = Or paste this link into your browser:
mail-ignore-invitation = If you did not expect this invitation, you can ignore this email.
mail-questions = Questions? Contact { $contact }.

## The invitation

invitation-subject = You're invited to join { $organization }
invitation-intro = { $invited_by } has invited you to join { $organization } as { $role }.
invitation-accept-here = Accept the invitation and choose your password here:
invitation-button = Accept invitation
invitation-expires = This link works once and expires on { $expires }.

## The reminder

reminder-subject = Reminder: you're invited to join { $organization }
reminder-intro = This is a reminder: { $invited_by } invited you to join { $organization } as { $role }, and the invitation is still waiting for you.
reminder-accept-here = Accept it and choose your password here:
reminder-expires = The invitation expires on { $expires }.
reminder-first-link = The link in the first email works too until then; whichever you use first sets up your account.

## A new link asked for (to the organization's contact)

renewal-request-subject = { $email } asks for a new invitation link
renewal-request-intro = { $email } asked for a new link to join { $organization }: their invitation (role { $role }) expired on { $expired }, and they pressed “{ expired-renew-button }” on the “{ expired-title }” page.
renewal-request-resend = To send them a new invitation, run:
renewal-request-list = To see every such request:
renewal-request-cancel = If you do not want them to join, cancel it instead:
renewal-request-signature = invitectl for { $organization }

## Password reset

reset-mail-subject = Set a new password for { $organization }
reset-mail-intro = Someone asked to set a new password for your { $organization } account, { $email }.
reset-mail-choose = If it was you, choose your new password here:
reset-mail-button = Set a new password
reset-mail-expires = This link works once and expires on { $expires }.
reset-mail-logout = Setting a new password logs you out everywhere else.
reset-mail-ignore = If you did not ask for this, you can ignore this email: your password stays as it is.

## The end of an account

end-warning-subject = Your { $organization } account ends on { $date }
end-warning-intro = Your account at { $organization }, { $email }, ends on { $date }. From that day on, you can no longer log in.
end-warning-contact = If this is a mistake or you need your account for longer, please contact { $contact }.
