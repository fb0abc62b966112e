# invitectl: o que as pessoas convidadas leem, em português do Brasil (pt).
# Registro formal, mas cordial (“você”, “sua senha”). Termos usados em todo o
# arquivo: convite, link, senha, conta, administrador, entrar (log in).

## Textos comuns das páginas

# Antes do título de uma página que mostra os problemas de um formulário, e
# antes de cada problema junto ao seu campo (lido pelos leitores de tela).
error-prefix = Erro:
# Substitui $contact quando não há endereço de contato: vem sempre depois de “com”.
your-administrator = seu administrador
field-email = E-mail
field-first-name = Nome
field-last-name = Sobrenome
field-password = Senha
field-confirm-password = Confirmar senha
field-new-password = Nova senha
field-confirm-new-password = Confirmar nova senha
help-email-username = O endereço de e-mail da sua conta: é com ele que você entra.
help-password = Pelo menos { $min } caracteres.
help-password-again = Digite a senha novamente: ela não foi mantida.
help-confirm-password = A mesma senha novamente.
problems-heading = Verifique os dados do formulário
problems-passwords-emptied = Os campos de senha foram esvaziados, como sempre acontece nesses casos: digite sua senha novamente nos dois campos.
detail-name = Nome
detail-role = Função
detail-department = Departamento
detail-teams = Equipes
# Aparece no lugar do departamento e também no lugar das equipes.
detail-none = nenhum
link-log-in = Entrar
duration-minutes = { $count ->
    [one] 1 minuto
   *[other] { $count } minutos
}
duration-hours = { $count ->
    [one] 1 hora
   *[other] { $count } horas
}
duration-days = { $count ->
    [one] 1 dia
   *[other] { $count } dias
}

## Problemas de um formulário, cada um mostrado junto ao seu campo

problem-first-name-required = O nome é obrigatório: digite um nome formado por caracteres visíveis.
problem-first-name-too-long = O nome pode ter no máximo { $max } caracteres, sem caracteres de controle.
problem-last-name-required = O sobrenome é obrigatório: digite um sobrenome formado por caracteres visíveis.
problem-last-name-too-long = O sobrenome pode ter no máximo { $max } caracteres, sem caracteres de controle.
problem-password-too-short = A senha é curta demais: use pelo menos { $min } caracteres.
problem-password-too-long = A senha é longa demais: use no máximo { $max } bytes.
problem-password-blank = A senha contém apenas espaços ou caracteres invisíveis: use letras, números ou símbolos visíveis.
problem-password-common = A senha está entre as mais comuns, que são as primeiras que os invasores testam: escolha uma que não seja uma palavra nem um padrão conhecido.
problem-passwords-differ = As senhas não coincidem: digite a mesma senha duas vezes.

## Aceitar o convite

accept-title = Aceitar convite
# $organization e $email já vêm com marcação; mantenha as tags <strong>.
accept-intro = Você recebeu um convite para participar de <strong>{ $organization }</strong> com o endereço <strong class="address">{ $email }</strong>.
accept-button = Aceitar e criar conta

## Convite expirado, e “Receber um novo link”

expired-title = Convite expirado
expired-on = Este convite expirou em { $date }.
# $contact é um link para o endereço de contato, ou “seu administrador”.
expired-contact = Entre em contato com { $contact } e solicite um novo convite.
expired-renew-auto = Ou receba um novo link agora mesmo: ele será enviado por e-mail para o endereço ao qual este convite foi enviado.
expired-renew-admin = Ou solicite um novo link aqui: seu administrador será avisado e o enviará por e-mail para o endereço ao qual este convite foi enviado.
expired-renew-button = Receber um novo link
renew-sent-title = Novo link enviado
renew-sent-to = Um novo link foi enviado para { $address }.
renew-sent-until = Ele é válido até { $date }. O link anterior não funciona mais.
renew-sent-contact = Se ele não chegar em alguns minutos, entre em contato com { $contact }.
renew-failed-title = Não foi possível enviar o novo link
renew-failed = Um novo convite para { $address } foi criado, mas não foi possível enviar o e-mail correspondente neste momento.
renew-failed-contact = Entre em contato com { $contact } e peça que o convite seja enviado novamente.
renew-asked-title = Novo link solicitado
renew-limit-reached = Este convite já recebeu todos os novos links que pode obter automaticamente.
renew-asked = Pedimos ao seu administrador que envie um novo link para você. O link chegará por e-mail em { $address }.
renew-urgent-contact = Se for urgente, entre em contato com { $contact }.

## Links que não funcionam

invalid-title = Link de convite inválido
invalid-text = Este link de convite não funciona. O convite pode ter sido cancelado ou substituído por um e-mail mais recente.
invalid-contact = Abra o link do e-mail de convite mais recente que você recebeu. Se não houver nenhum, entre em contato com { $contact } e solicite um novo convite.
invalid-log-in = Entrar, se você já tem uma conta
used-title = Convite já aceito
used-text = Este convite já foi aceito, portanto a conta correspondente já está configurada.
used-log-in = Entre com o endereço de e-mail do convite e a senha escolhida na ocasião.
used-contact = Se não foi você quem aceitou o convite, entre em contato imediatamente com { $contact }.

## Erros

unavailable-title = Temporariamente indisponível
unavailable-text = No momento, o servidor não consegue acessar o banco de dados. Tente novamente em um minuto.
failed-title = Ocorreu um erro
failed-text = O servidor não conseguiu concluir esta solicitação. Tente novamente em um minuto.
too-many-title = Muitas tentativas
too-many-text = Houve muitas tentativas malsucedidas a partir da sua rede ou para esta conta. Aguarde alguns minutos e tente novamente.
refused-title = Solicitação recusada
refused-text = Este formulário foi enviado a partir de outro site e, por isso, não foi aceito. Abra a página neste site e tente novamente.
busy-title = Servidor ocupado
busy-text = O servidor está ocupado. Tente novamente em um minuto.
not-found-title = Página não encontrada
not-found-text = Não há nenhuma página neste endereço.

## Entrar e painel

login-title = Entrar
login-button = Entrar
login-password-again = Digite sua senha novamente: ela não foi mantida.
login-forgot = Esqueceu sua senha?
login-wrong = O e-mail ou a senha estão incorretos.
login-inactive = Esta conta está inativa; peça ao seu administrador que a reative.
dashboard-title = Painel
dashboard-welcome = Boas-vindas, { $name }
dashboard-your-name = Seu nome
dashboard-name-not-changed = Seu nome não foi alterado.
dashboard-save-name = Salvar nome
dashboard-log-out = Sair

## Senha esquecida

forgot-title = Esqueci minha senha
forgot-intro = Digite o endereço de e-mail da sua conta. Enviaremos um link para definir uma nova senha, válido por { $lifetime }.
forgot-button = Enviar link de redefinição
forgot-back = Voltar para a página “Entrar”
forgot-email-missing = Digite o endereço de e-mail da sua conta.
forgot-sent-title = Verifique seu e-mail
forgot-sent = Se { $email } pertencer a uma conta ativa, enviamos para esse endereço um link para definir uma nova senha. Ele pode ser usado uma única vez e é válido por { $lifetime }.
forgot-sent-spam = Não recebeu nenhum e-mail depois de alguns minutos? Verifique sua pasta de spam ou entre em contato com { $contact }.
reset-title = Definir uma nova senha
# $organization já vem com marcação; mantenha as tags <strong>.
reset-intro = Escolha uma nova senha para sua conta em <strong>{ $organization }</strong>. Ao defini-la, você sairá da sua conta em todos os outros dispositivos.
reset-button = Definir senha
reset-invalid-title = Link de redefinição inválido
reset-invalid-text = Este link para definir uma nova senha não funciona. Ele pode já ter sido usado ou ter sido substituído por um e-mail mais recente.
reset-invalid-again = Use o link do e-mail mais recente ou solicite um novo.
reset-expired-title = Link de redefinição expirado
reset-expired-on = Este link para definir uma nova senha expirou em { $date }.
reset-expired-again = Solicite um novo: ele será válido por { $lifetime }.
reset-ask-again = Solicitar um novo link

## E-mails, textos comuns

mail-hello = Olá,
mail-hello-name = Olá, { $name },
mail-department = Departamento: { $department }
mail-teams = Equipes: { $teams }
mail-paste-link = Ou copie e cole este link no seu navegador:
mail-ignore-invitation = Se você não esperava este convite, pode ignorar este e-mail.
mail-questions = Dúvidas? Entre em contato com { $contact }.

## O convite

invitation-subject = Convite para participar de { $organization }
invitation-intro = { $invited_by } convidou você para participar de { $organization } como { $role }.
invitation-accept-here = Aceite o convite e escolha sua senha aqui:
invitation-button = Aceitar convite
invitation-expires = Este link pode ser usado uma única vez e expira em { $expires }.

## O lembrete

reminder-subject = Lembrete: convite para participar de { $organization }
reminder-intro = Gostaríamos de lembrar que { $invited_by } convidou você para participar de { $organization } como { $role } e que o convite continua pendente.
reminder-accept-here = Aceite-o e escolha sua senha aqui:
reminder-expires = O convite expira em { $expires }.
reminder-first-link = Até lá, o link do primeiro e-mail também funciona; o link que você usar primeiro configurará sua conta.

## Um novo link foi solicitado (mensagem para o contato da organização)

renewal-request-subject = { $email } solicita um novo link de convite
renewal-request-intro = { $email } solicitou um novo link para participar de { $organization }: o convite (função { $role }) expirou em { $expired }, e a pessoa clicou em “{ expired-renew-button }” na página “{ expired-title }”.
renewal-request-resend = Para enviar um novo convite a essa pessoa, execute:
renewal-request-list = Para ver todas as solicitações desse tipo:
renewal-request-cancel = Se você não quiser que essa pessoa participe, cancele o convite em vez de enviá-lo novamente:
renewal-request-signature = invitectl para { $organization }

## Redefinição de senha

reset-mail-subject = Redefinição de senha da sua conta em { $organization }
reset-mail-intro = Alguém solicitou a definição de uma nova senha para sua conta { $email } em { $organization }.
reset-mail-choose = Se foi você, escolha sua nova senha aqui:
reset-mail-button = Definir uma nova senha
reset-mail-expires = Este link pode ser usado uma única vez e expira em { $expires }.
reset-mail-logout = Ao definir uma nova senha, você sairá da sua conta em todos os outros dispositivos.
reset-mail-ignore = Se você não fez essa solicitação, pode ignorar este e-mail: sua senha continuará a mesma.

## O encerramento de uma conta

end-warning-subject = Sua conta em { $organization } será encerrada em { $date }
end-warning-intro = Sua conta { $email } em { $organization } será encerrada em { $date }. A partir desse dia, você não poderá mais entrar.
end-warning-contact = Se isso for um engano ou se você precisar da sua conta por mais tempo, entre em contato com { $contact }.
