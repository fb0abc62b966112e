# invitectl: what invitees read, in Japanese (ja). Same messages and
# variables as locales/en/invitectl.ftl. Terms: 招待, リンク, パスワード,
# アカウント, 管理者, メール, ログイン.

## ページ共通

# フォームに問題があるページのタイトルの前と、各欄のエラーの前に付きます（スクリーンリーダーで読み上げられます）。
error-prefix = エラー：
your-administrator = 管理者
field-email = メールアドレス
field-first-name = 名
field-last-name = 姓
field-password = パスワード
field-confirm-password = パスワード（確認）
field-new-password = 新しいパスワード
field-confirm-new-password = 新しいパスワード（確認）
help-email-username = アカウントのメールアドレスです。ログインに使用します。
help-password = { $min }文字以上で入力してください。
help-password-again = 入力したパスワードは保持されていないため、もう一度入力してください。
help-confirm-password = 同じパスワードをもう一度入力してください。
problems-heading = 入力内容に問題があります
problems-passwords-emptied = パスワード欄は毎回クリアされます。両方の欄にもう一度パスワードを入力してください。
detail-name = 氏名
detail-role = 役割
detail-department = 部署
detail-teams = チーム
detail-none = なし
link-log-in = ログイン
duration-minutes = { $count ->
   *[other] { $count }分
}
duration-hours = { $count ->
   *[other] { $count }時間
}
duration-days = { $count ->
   *[other] { $count }日間
}

## フォームの問題（各欄に表示）

problem-first-name-required = 名は必須です。目に見える文字で入力してください。
problem-first-name-too-long = 名は{ $max }文字以内で、制御文字を含めずに入力してください。
problem-last-name-required = 姓は必須です。目に見える文字で入力してください。
problem-last-name-too-long = 姓は{ $max }文字以内で、制御文字を含めずに入力してください。
problem-password-too-short = パスワードが短すぎます。{ $min }文字以上にしてください。
problem-password-too-long = パスワードが長すぎます。{ $max }バイト以内にしてください。
problem-password-blank = パスワードが空白または目に見えない文字だけで構成されています。文字、数字、記号など、目に見える文字を使用してください。
problem-password-common = このパスワードは特によく使われるもので、攻撃者が最初に試します。単語やよく知られたパターンではないパスワードを選んでください。
problem-passwords-differ = パスワードが一致しません。同じパスワードを2回入力してください。

## 招待の承諾

accept-title = 招待の承諾
# $organization と $email はマークアップ済みです。<strong> タグはそのまま残してください。
accept-intro = <strong class="address">{ $email }</strong>として<strong>{ $organization }</strong>に招待されています。
accept-button = 招待を承諾してアカウントを作成

## 招待の有効期限切れと「新しいリンクを送信」

expired-title = 招待の有効期限切れ
expired-on = この招待の有効期限は{ $date }に切れました。
# $contact は連絡先アドレスへのリンク、または「管理者」です。
expired-contact = { $contact }に連絡し、新しい招待を依頼してください。
expired-renew-auto = または、新しいリンクを今すぐ受け取ることもできます。リンクは、この招待が送信されたメールアドレスにメールで届きます。
expired-renew-admin = または、ここから新しいリンクを依頼することもできます。依頼は管理者に通知され、管理者から、この招待が送信されたメールアドレスにリンクがメールで送られます。
expired-renew-button = 新しいリンクを送信
renew-sent-title = 新しいリンクを送信しました
renew-sent-to = 新しいリンクを{ $address }宛てに送信しました。
renew-sent-until = このリンクは{ $date }まで有効です。以前のリンクは使用できなくなりました。
renew-sent-contact = 数分経っても届かない場合は、{ $contact }にお問い合わせください。
renew-failed-title = 新しいリンクを送信できませんでした
renew-failed = { $address }宛ての新しい招待は作成されましたが、現在メールを送信できませんでした。
renew-failed-contact = { $contact }に連絡し、再送信を依頼してください。
renew-asked-title = 新しいリンクを依頼しました
renew-limit-reached = この招待は、自動で発行できる新しいリンクの上限に達しています。
renew-asked = 新しいリンクの送信を管理者に依頼しました。リンクは{ $address }宛てにメールで届きます。
renew-urgent-contact = お急ぎの場合は、{ $contact }にお問い合わせください。

## 使用できないリンク

invalid-title = 無効な招待リンク
invalid-text = この招待リンクは使用できません。招待が取り消されたか、より新しいメールの招待に置き換えられた可能性があります。
invalid-contact = 最新の招待メールに記載されたリンクを開いてください。そのようなメールがない場合は、{ $contact }に連絡し、新しい招待を依頼してください。
invalid-log-in = すでにアカウントをお持ちの場合はログイン
used-title = 承諾済みの招待
used-text = この招待はすでに承諾されているため、アカウントは作成済みです。
used-log-in = 招待されたメールアドレスと、承諾時に設定したパスワードでログインしてください。
used-contact = ご自身で承諾した覚えがない場合は、すぐに{ $contact }にお問い合わせください。

## エラー

unavailable-title = 一時的に利用できません
unavailable-text = 現在、サーバーがデータベースに接続できません。1分ほど待ってから、もう一度お試しください。
failed-title = 問題が発生しました
failed-text = サーバーがこのリクエストを完了できませんでした。1分ほど待ってから、もう一度お試しください。
too-many-title = 試行回数が多すぎます
too-many-text = お使いのネットワークから、またはこのアカウントに対して、失敗した試行が多すぎます。数分待ってから、もう一度お試しください。
refused-title = リクエストが拒否されました
refused-text = このフォームは別のサイトから送信されたため、受け付けられませんでした。このサイトでページを開き、もう一度お試しください。
busy-title = 混み合っています
busy-text = サーバーが混み合っています。1分ほど待ってから、もう一度お試しください。
not-found-title = ページが見つかりません
not-found-text = このアドレスにはページがありません。

## ログインとダッシュボード

login-title = ログイン
login-button = ログイン
login-password-again = 入力したパスワードは保持されていないため、もう一度入力してください。
login-forgot = パスワードをお忘れですか？
login-wrong = メールアドレスまたはパスワードが正しくありません。
login-inactive = このアカウントは無効になっています。再度有効にするよう管理者に依頼してください。
dashboard-title = ダッシュボード
dashboard-welcome = ようこそ、{ $name }さん
dashboard-your-name = お名前
dashboard-name-not-changed = お名前は変更されていません。
dashboard-save-name = 名前を保存
dashboard-log-out = ログアウト

## パスワードを忘れた場合

forgot-title = パスワードをお忘れの場合
forgot-intro = アカウントのメールアドレスを入力してください。新しいパスワードを設定するためのリンクをメールでお送りします。リンクの有効期間は{ $lifetime }です。
forgot-button = 再設定リンクを送信
forgot-back = ログインに戻る
forgot-email-missing = アカウントのメールアドレスを入力してください。
forgot-sent-title = メールをご確認ください
forgot-sent = { $email }が有効なアカウントのものであれば、新しいパスワードを設定するためのリンクを送信しました。リンクは1回のみ使用でき、有効期間は{ $lifetime }です。
forgot-sent-spam = 数分経ってもメールが届かない場合は、迷惑メールフォルダーをご確認いただくか、{ $contact }にお問い合わせください。
reset-title = 新しいパスワードの設定
# $organization はマークアップ済みです。<strong> タグはそのまま残してください。
reset-intro = <strong>{ $organization }</strong>のアカウントの新しいパスワードを設定してください。設定すると、ほかのすべてのデバイスからログアウトされます。
reset-button = パスワードを設定
reset-invalid-title = 無効な再設定リンク
reset-invalid-text = このパスワード再設定リンクは使用できません。すでに使用されたか、より新しいメールのリンクに置き換えられた可能性があります。
reset-invalid-again = 最新のメールに記載されたリンクを使用するか、新しいリンクを依頼してください。
reset-expired-title = 再設定リンクの有効期限切れ
reset-expired-on = このパスワード再設定リンクの有効期限は{ $date }に切れました。
reset-expired-again = 新しいリンクを依頼してください（有効期間は{ $lifetime }です）。
reset-ask-again = 新しいリンクを依頼

## メール共通

mail-hello = こんにちは。
mail-hello-name = { $name }様
mail-department = 部署：{ $department }
mail-teams = チーム：{ $teams }
mail-paste-link = または、次のリンクをブラウザーに貼り付けてください：
mail-ignore-invitation = この招待に心当たりがない場合は、このメールは無視していただいて構いません。
mail-questions = ご不明な点は、{ $contact }にお問い合わせください。

## 招待

invitation-subject = ご招待のお知らせ：{ $organization }
invitation-intro = { $invited_by }から、{ $role }として{ $organization }に招待されました。
invitation-accept-here = 次のリンクから招待を承諾し、パスワードを設定してください：
invitation-button = 招待を承諾
invitation-expires = このリンクは1回のみ使用でき、有効期限は{ $expires }です。

## リマインダー

reminder-subject = リマインダー：{ $organization }へのご招待
reminder-intro = 再度のご案内です。{ $invited_by }から、{ $role }として{ $organization }に招待されています。この招待はまだ承諾されていません。
reminder-accept-here = 次のリンクから招待を承諾し、パスワードを設定してください：
reminder-expires = 招待の有効期限は{ $expires }です。
reminder-first-link = それまでは、最初のメールのリンクも使用できます。先に使用したリンクでアカウントが作成されます。

## 新しいリンクの依頼（組織の連絡先宛て）

renewal-request-subject = { $email }から新しい招待リンクの依頼がありました
renewal-request-intro = { $email }から、{ $organization }に参加するための新しいリンクの依頼がありました。招待（役割：{ $role }）の有効期限は{ $expired }に切れており、「{ expired-title }」ページの「{ expired-renew-button }」ボタンから依頼されています。
renewal-request-resend = 新しい招待を送信するには、次のコマンドを実行してください：
renewal-request-list = このような依頼をすべて確認するには：
renewal-request-cancel = 参加させない場合は、代わりに招待を取り消してください：
renewal-request-signature = { $organization }のinvitectl

## パスワードの再設定

reset-mail-subject = パスワード再設定のご案内：{ $organization }
reset-mail-intro = { $organization }のアカウント（{ $email }）について、新しいパスワードの設定が依頼されました。
reset-mail-choose = ご自身で依頼された場合は、次のリンクから新しいパスワードを設定してください：
reset-mail-button = 新しいパスワードを設定
reset-mail-expires = このリンクは1回のみ使用でき、有効期限は{ $expires }です。
reset-mail-logout = 新しいパスワードを設定すると、ほかのすべてのデバイスからログアウトされます。
reset-mail-ignore = 心当たりがない場合は、このメールは無視していただいて構いません。パスワードは変更されません。

## アカウントの終了

end-warning-subject = アカウント終了のお知らせ：{ $organization }のアカウントは{ $date }に終了します
end-warning-intro = { $organization }のアカウント（{ $email }）は{ $date }に終了します。同日以降はログインできなくなります。
end-warning-contact = 誤りである場合や、アカウントを引き続き使用する必要がある場合は、{ $contact }にお問い合わせください。
