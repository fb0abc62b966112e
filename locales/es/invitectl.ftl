# invitectl: lo que leen las personas invitadas, en español (es). Registro
# formal («usted»), español internacional neutro. Términos usados en todo el
# archivo: invitación, enlace, contraseña, cuenta, administrador, iniciar sesión.

## Textos comunes de las páginas

# Delante del título de una página que muestra los problemas de un formulario,
# y delante de cada problema junto a su campo (lo leen los lectores de pantalla).
error-prefix = Error:
# Sustituye a $contact cuando no hay dirección de contacto: va siempre tras «con».
your-administrator = su administrador
field-email = Correo electrónico
field-first-name = Nombre
field-last-name = Apellidos
field-password = Contraseña
field-confirm-password = Confirmar contraseña
field-new-password = Nueva contraseña
field-confirm-new-password = Confirmar nueva contraseña
help-email-username = La dirección de correo electrónico de su cuenta: con ella inicia sesión.
help-password = Al menos { $min } caracteres.
help-password-again = Vuelva a escribir la contraseña: no se ha conservado.
help-confirm-password = La misma contraseña otra vez.
problems-heading = Revise los datos del formulario
problems-passwords-emptied = Los campos de contraseña se han vaciado, como ocurre siempre en estos casos: vuelva a escribir su contraseña en ambos campos.
detail-name = Nombre
detail-role = Rol
detail-department = Departamento
detail-teams = Equipos
detail-none = ninguno
link-log-in = Iniciar sesión
duration-minutes = { $count ->
    [one] 1 minuto
   *[other] { $count } minutos
}
duration-hours = { $count ->
    [one] 1 hora
   *[other] { $count } horas
}
duration-days = { $count ->
    [one] 1 día
   *[other] { $count } días
}

## Problemas de un formulario, cada uno mostrado junto a su campo

problem-first-name-required = El nombre es obligatorio: escriba un nombre formado por caracteres visibles.
problem-first-name-too-long = El nombre puede tener como máximo { $max } caracteres y no puede contener caracteres de control.
problem-last-name-required = Los apellidos son obligatorios: escriba unos apellidos formados por caracteres visibles.
problem-last-name-too-long = Los apellidos pueden tener como máximo { $max } caracteres y no pueden contener caracteres de control.
problem-password-too-short = La contraseña es demasiado corta: utilice al menos { $min } caracteres.
problem-password-too-long = La contraseña es demasiado larga: utilice como máximo { $max } bytes.
problem-password-blank = La contraseña solo contiene espacios o caracteres invisibles: utilice letras, cifras o símbolos visibles.
problem-password-common = La contraseña figura entre las más comunes, que son las primeras que prueban los atacantes: elija una que no sea una palabra ni un patrón conocido.
problem-passwords-differ = Las contraseñas no coinciden: escriba la misma contraseña dos veces.

## Aceptar la invitación

accept-title = Aceptar invitación
# $organization y $email ya llevan marcado; conserve las etiquetas <strong>.
accept-intro = Ha recibido una invitación para unirse a <strong>{ $organization }</strong> con la dirección <strong class="address">{ $email }</strong>.
accept-button = Aceptar y crear cuenta

## Invitación caducada, y «Enviarme un nuevo enlace»

expired-title = Invitación caducada
expired-on = Esta invitación caducó el { $date }.
# $contact es un enlace a la dirección de contacto, o «su administrador».
expired-contact = Póngase en contacto con { $contact } y solicite una nueva invitación.
expired-renew-auto = También puede obtener ahora mismo un nuevo enlace: se enviará por correo electrónico a la dirección a la que se envió esta invitación.
expired-renew-admin = También puede solicitar aquí un nuevo enlace: se avisará a su administrador, que se lo enviará por correo electrónico a la dirección a la que se envió esta invitación.
expired-renew-button = Enviarme un nuevo enlace
renew-sent-title = Nuevo enlace enviado
renew-sent-to = Se ha enviado un nuevo enlace a { $address }.
renew-sent-until = Es válido hasta el { $date }. El enlace anterior ya no funciona.
renew-sent-contact = Si no lo recibe en unos minutos, póngase en contacto con { $contact }.
renew-failed-title = No se ha podido enviar el nuevo enlace
renew-failed = Se ha creado una nueva invitación para { $address }, pero en este momento no se ha podido enviar el correo electrónico correspondiente.
renew-failed-contact = Póngase en contacto con { $contact } y pídale que vuelva a enviarla.
renew-asked-title = Nuevo enlace solicitado
renew-limit-reached = Esta invitación ya ha recibido todos los enlaces nuevos que puede obtener de forma automática.
renew-asked = Se ha pedido a su administrador que le envíe un nuevo enlace. Lo recibirá por correo electrónico en { $address }.
renew-urgent-contact = Si es urgente, póngase en contacto con { $contact }.

## Enlaces que no funcionan

invalid-title = Enlace de invitación no válido
invalid-text = Este enlace de invitación no funciona. Es posible que la invitación se haya cancelado o que se haya sustituido por un correo electrónico más reciente.
invalid-contact = Abra el enlace del correo electrónico de invitación más reciente que haya recibido. Si no tiene ninguno, póngase en contacto con { $contact } y solicite una nueva invitación.
invalid-log-in = Iniciar sesión, si ya tiene una cuenta
used-title = Invitación ya aceptada
used-text = Esta invitación ya se ha aceptado, por lo que la cuenta correspondiente ya está configurada.
used-log-in = Inicie sesión con la dirección de correo electrónico de la invitación y la contraseña que eligió en su momento.
used-contact = Si no la aceptó usted, póngase en contacto de inmediato con { $contact }.

## Errores

unavailable-title = No disponible temporalmente
unavailable-text = En este momento, el servidor no puede acceder a su base de datos. Vuelva a intentarlo dentro de un minuto.
failed-title = Se ha producido un error
failed-text = El servidor no ha podido completar esta solicitud. Vuelva a intentarlo dentro de un minuto.
too-many-title = Demasiados intentos
too-many-text = Se han producido demasiados intentos fallidos desde su red o para esta cuenta. Espere unos minutos y vuelva a intentarlo.
refused-title = Solicitud rechazada
refused-text = Este formulario se envió desde otro sitio web, por lo que no se ha aceptado. Abra la página en este sitio web y vuelva a intentarlo.
busy-title = Servidor ocupado
busy-text = El servidor está ocupado. Vuelva a intentarlo dentro de un minuto.
not-found-title = Página no encontrada
not-found-text = No existe ninguna página en esta dirección.

## Inicio de sesión y panel

login-title = Iniciar sesión
login-button = Iniciar sesión
login-password-again = Vuelva a escribir su contraseña: no se ha conservado.
login-forgot = ¿Ha olvidado su contraseña?
login-wrong = El correo electrónico o la contraseña no son correctos.
login-inactive = Esta cuenta está inactiva; pida a su administrador que la reactive.
dashboard-title = Panel
dashboard-welcome = Le damos la bienvenida, { $name }
dashboard-your-name = Su nombre
dashboard-name-not-changed = Su nombre no se ha modificado.
dashboard-save-name = Guardar nombre
dashboard-log-out = Cerrar sesión

## Contraseña olvidada

forgot-title = Contraseña olvidada
forgot-intro = Escriba la dirección de correo electrónico de su cuenta. Le enviaremos un enlace para establecer una nueva contraseña, válido durante { $lifetime }.
forgot-button = Enviar enlace de restablecimiento
forgot-back = Volver al inicio de sesión
forgot-email-missing = Escriba la dirección de correo electrónico de su cuenta.
forgot-sent-title = Revise su correo electrónico
forgot-sent = Si { $email } corresponde a una cuenta activa, se le ha enviado un enlace para establecer una nueva contraseña. Puede utilizarse una sola vez y es válido durante { $lifetime }.
forgot-sent-spam = ¿No ha recibido ningún correo electrónico al cabo de unos minutos? Revise su carpeta de correo no deseado o póngase en contacto con { $contact }.
reset-title = Establecer una nueva contraseña
# $organization ya lleva marcado; conserve las etiquetas <strong>.
reset-intro = Elija una nueva contraseña para su cuenta en <strong>{ $organization }</strong>. Al establecerla, se cerrará su sesión en todos los demás dispositivos.
reset-button = Establecer contraseña
reset-invalid-title = Enlace de restablecimiento no válido
reset-invalid-text = Este enlace para establecer una nueva contraseña no funciona. Es posible que ya se haya utilizado o que se haya sustituido por un correo electrónico más reciente.
reset-invalid-again = Utilice el enlace del correo electrónico más reciente o solicite uno nuevo.
reset-expired-title = Enlace de restablecimiento caducado
reset-expired-on = Este enlace para establecer una nueva contraseña caducó el { $date }.
reset-expired-again = Solicite uno nuevo: será válido durante { $lifetime }.
reset-ask-again = Solicitar un nuevo enlace

## Correos electrónicos, textos comunes

mail-hello = Hola:
mail-hello-name = Hola, { $name }:
mail-department = Departamento: { $department }
mail-teams = Equipos: { $teams }
mail-paste-link = También puede copiar y pegar este enlace en su navegador:
mail-ignore-invitation = Si no esperaba esta invitación, puede ignorar este correo electrónico.
mail-questions = ¿Tiene alguna pregunta? Póngase en contacto con { $contact }.

## La invitación

invitation-subject = Invitación para unirse a { $organization }
invitation-intro = { $invited_by } le ha invitado a unirse a { $organization } como { $role }.
invitation-accept-here = Acepte la invitación y elija su contraseña aquí:
invitation-button = Aceptar invitación
invitation-expires = Este enlace solo puede utilizarse una vez y caduca el { $expires }.

## El recordatorio

reminder-subject = Recordatorio: invitación para unirse a { $organization }
reminder-intro = Le recordamos que { $invited_by } le invitó a unirse a { $organization } como { $role } y que la invitación sigue pendiente.
reminder-accept-here = Acéptela y elija su contraseña aquí:
reminder-expires = La invitación caduca el { $expires }.
reminder-first-link = Hasta entonces, el enlace del primer correo electrónico también funciona; el enlace que utilice primero configurará su cuenta.

## Se ha solicitado un nuevo enlace (mensaje para el contacto de la organización)

renewal-request-subject = { $email } solicita un nuevo enlace de invitación
renewal-request-intro = { $email } ha solicitado un nuevo enlace para unirse a { $organization }: su invitación (rol { $role }) caducó el { $expired } y pulsó «{ expired-renew-button }» en la página «{ expired-title }».
renewal-request-resend = Para enviarle una nueva invitación, ejecute:
renewal-request-list = Para ver todas las solicitudes de este tipo:
renewal-request-cancel = Si no desea que esta persona se una, cancele la invitación en su lugar:
renewal-request-signature = invitectl para { $organization }

## Restablecimiento de la contraseña

reset-mail-subject = Restablecimiento de la contraseña de { $organization }
reset-mail-intro = Alguien ha solicitado establecer una nueva contraseña para su cuenta { $email } en { $organization }.
reset-mail-choose = Si fue usted, elija su nueva contraseña aquí:
reset-mail-button = Establecer una nueva contraseña
reset-mail-expires = Este enlace solo puede utilizarse una vez y caduca el { $expires }.
reset-mail-logout = Al establecer una nueva contraseña, se cerrará su sesión en todos los demás dispositivos.
reset-mail-ignore = Si no lo ha solicitado, puede ignorar este correo electrónico: su contraseña no cambiará.

## El fin de una cuenta

end-warning-subject = Su cuenta en { $organization } finaliza el { $date }
end-warning-intro = Su cuenta { $email } en { $organization } finaliza el { $date }. A partir de ese día, ya no podrá iniciar sesión.
end-warning-contact = Si se trata de un error o necesita su cuenta durante más tiempo, póngase en contacto con { $contact }.
