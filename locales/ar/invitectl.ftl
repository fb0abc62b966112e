# invitectl: what invitees read, in Arabic (ar, Modern Standard Arabic).
# Same messages and variables as locales/en/invitectl.ftl. Terms: دعوة،
# رابط، كلمة المرور، حساب، المسؤول، البريد الإلكتروني، تسجيل الدخول.

## مشترك بين الصفحات

# يسبق عنوان الصفحة التي تعرض مشكلات النموذج، ويسبق كل مشكلة عند حقلها (تقرؤه برامج قراءة الشاشة).
error-prefix = خطأ:
your-administrator = المسؤول
field-email = البريد الإلكتروني
field-first-name = الاسم الأول
field-last-name = اسم العائلة
field-password = كلمة المرور
field-confirm-password = تأكيد كلمة المرور
field-new-password = كلمة المرور الجديدة
field-confirm-new-password = تأكيد كلمة المرور الجديدة
help-email-username = عنوان البريد الإلكتروني لحسابك، ويُستخدم لتسجيل الدخول.
help-password = يجب ألا يقل عدد الأحرف عن { $min }.
help-password-again = يُرجى إدخال كلمة المرور مرة أخرى، لأنها لم تُحفظ.
help-confirm-password = كلمة المرور نفسها مرة أخرى.
problems-heading = توجد مشكلة
problems-passwords-emptied = أُفرغت حقول كلمة المرور كما يحدث دائمًا، لذا يُرجى إدخال كلمة المرور في الحقلين مرة أخرى.
detail-name = الاسم
detail-role = الدور
detail-department = القسم
detail-teams = الفرق
detail-none = لا يوجد
link-log-in = تسجيل الدخول
duration-minutes = { $count ->
    [zero] { $count } دقيقة
    [one] دقيقة واحدة
    [two] دقيقتان
    [few] { $count } دقائق
    [many] { $count } دقيقة
   *[other] { $count } دقيقة
}
duration-hours = { $count ->
    [zero] { $count } ساعة
    [one] ساعة واحدة
    [two] ساعتان
    [few] { $count } ساعات
    [many] { $count } ساعة
   *[other] { $count } ساعة
}
duration-days = { $count ->
    [zero] { $count } يوم
    [one] يوم واحد
    [two] يومان
    [few] { $count } أيام
    [many] { $count } يومًا
   *[other] { $count } يوم
}

## مشكلات النموذج، وتظهر كل منها عند حقلها

problem-first-name-required = الاسم الأول مطلوب. يُرجى إدخال اسم مكوّن من أحرف مرئية.
problem-first-name-too-long = يجب ألا يتجاوز عدد أحرف الاسم الأول { $max }، وألا يحتوي على أحرف تحكم.
problem-last-name-required = اسم العائلة مطلوب. يُرجى إدخال اسم مكوّن من أحرف مرئية.
problem-last-name-too-long = يجب ألا يتجاوز عدد أحرف اسم العائلة { $max }، وألا يحتوي على أحرف تحكم.
problem-password-too-short = كلمة المرور قصيرة جدًا، ويجب ألا يقل عدد أحرفها عن { $min }.
problem-password-too-long = كلمة المرور طويلة جدًا، ويجب ألا يتجاوز طولها { $max } بايت.
problem-password-blank = كلمة المرور مكوّنة من مسافات أو أحرف غير مرئية فقط. يُرجى استخدام أحرف أو أرقام أو رموز مرئية.
problem-password-common = كلمة المرور هذه من أكثر كلمات المرور شيوعًا، وهي أول ما يجرّبه المهاجمون. يُرجى اختيار كلمة مرور ليست كلمة من القاموس ولا نمطًا معروفًا.
problem-passwords-differ = كلمتا المرور غير متطابقتين. يُرجى إدخال كلمة المرور نفسها مرتين.

## قبول الدعوة

accept-title = قبول الدعوة
# $organization و$email مُنسَّقان مسبقًا؛ يُرجى الإبقاء على وسوم <strong>.
accept-intro = تمّت دعوتك للانضمام إلى <strong>{ $organization }</strong> بعنوان البريد الإلكتروني <strong class="address">{ $email }</strong>.
accept-button = قبول الدعوة وإنشاء الحساب

## انتهاء صلاحية الدعوة، و«إرسال رابط جديد»

expired-title = انتهت صلاحية الدعوة
expired-on = انتهت صلاحية هذه الدعوة يوم { $date }.
# $contact رابط إلى عنوان جهة الاتصال، أو عبارة «المسؤول».
expired-contact = يُرجى التواصل مع { $contact } وطلب دعوة جديدة.
expired-renew-auto = ويمكنك أيضًا الحصول على رابط جديد فورًا، وسيُرسل بالبريد الإلكتروني إلى العنوان الذي أُرسلت إليه هذه الدعوة.
expired-renew-admin = ويمكنك أيضًا طلب رابط جديد من هنا، فيُبلَّغ المسؤول بطلبك ويرسل الرابط بالبريد الإلكتروني إلى العنوان الذي أُرسلت إليه هذه الدعوة.
expired-renew-button = إرسال رابط جديد
renew-sent-title = تم إرسال رابط جديد
renew-sent-to = أُرسل رابط جديد إلى { $address }.
renew-sent-until = الرابط صالح حتى { $date }، أما الرابط القديم فلم يعد يعمل.
renew-sent-contact = إذا لم يصل خلال بضع دقائق، فيُرجى التواصل مع { $contact }.
renew-failed-title = تعذّر إرسال الرابط الجديد
renew-failed = أُنشئت دعوة جديدة للعنوان { $address }، لكن تعذّر إرسال رسالتها بالبريد الإلكتروني في الوقت الحالي.
renew-failed-contact = يُرجى التواصل مع { $contact } وطلب إعادة إرسالها.
renew-asked-title = تم طلب رابط جديد
renew-limit-reached = بلغت هذه الدعوة الحد الأقصى لعدد الروابط الجديدة التي يمكن الحصول عليها تلقائيًا.
renew-asked = طُلب من المسؤول أن يرسل إليك رابطًا جديدًا، وسيصلك بالبريد الإلكتروني على العنوان { $address }.
renew-urgent-contact = إذا كان الأمر عاجلًا، فيُرجى التواصل مع { $contact }.

## الروابط التي لا تعمل

invalid-title = رابط دعوة غير صالح
invalid-text = رابط الدعوة هذا لا يعمل. ربما أُلغيت الدعوة، أو استُبدلت برسالة بريد إلكتروني أحدث.
invalid-contact = يُرجى فتح الرابط الوارد في أحدث رسالة دعوة وصلتك. وإن لم تصلك أي رسالة، فيُرجى التواصل مع { $contact } وطلب دعوة جديدة.
invalid-log-in = تسجيل الدخول، إذا كان لديك حساب بالفعل
used-title = تم قبول الدعوة مسبقًا
used-text = تم قبول هذه الدعوة مسبقًا، لذا فإن الحساب المرتبط بها جاهز.
used-log-in = يُرجى تسجيل الدخول بعنوان البريد الإلكتروني الذي أُرسلت إليه الدعوة، وبكلمة المرور التي اختيرت حينها.
used-contact = إذا لم تكن أنت من قبِل الدعوة، فيُرجى التواصل مع { $contact } على الفور.

## الأخطاء

unavailable-title = الخدمة غير متاحة مؤقتًا
unavailable-text = يتعذّر على الخادم الوصول إلى قاعدة البيانات حاليًا. يُرجى المحاولة مرة أخرى بعد دقيقة.
failed-title = حدث خطأ ما
failed-text = تعذّر على الخادم إتمام هذا الطلب. يُرجى المحاولة مرة أخرى بعد دقيقة.
too-many-title = محاولات كثيرة جدًا
too-many-text = حدثت محاولات فاشلة كثيرة جدًا من شبكتك أو على هذا الحساب. يُرجى الانتظار بضع دقائق ثم المحاولة مرة أخرى.
refused-title = تم رفض الطلب
refused-text = أُرسل هذا النموذج من موقع آخر، لذا لم يُقبل. يُرجى فتح الصفحة على هذا الموقع والمحاولة مرة أخرى.
busy-title = الخادم مشغول
busy-text = الخادم مشغول الآن. يُرجى المحاولة مرة أخرى بعد دقيقة.
not-found-title = الصفحة غير موجودة
not-found-text = لا يوجد شيء على هذا العنوان.

## تسجيل الدخول ولوحة التحكم

login-title = تسجيل الدخول
login-button = تسجيل الدخول
login-password-again = يُرجى إدخال كلمة المرور مرة أخرى، لأنها لم تُحفظ.
login-forgot = هل نسيت كلمة المرور؟
login-wrong = البريد الإلكتروني أو كلمة المرور غير صحيحة.
login-inactive = هذا الحساب غير نشط. يُرجى أن تطلب من المسؤول إعادة تفعيله.
dashboard-title = لوحة التحكم
dashboard-welcome = مرحبًا، { $name }
dashboard-your-name = اسمك
dashboard-name-not-changed = لم يتم تغيير اسمك.
dashboard-save-name = حفظ الاسم
dashboard-log-out = تسجيل الخروج

## نسيان كلمة المرور

forgot-title = نسيت كلمة المرور
forgot-intro = يُرجى إدخال عنوان البريد الإلكتروني لحسابك. سنرسل إليك بالبريد الإلكتروني رابطًا لتعيين كلمة مرور جديدة، ومدة صلاحيته { $lifetime }.
forgot-button = إرسال رابط إعادة التعيين
forgot-back = العودة إلى تسجيل الدخول
forgot-email-missing = يُرجى إدخال عنوان البريد الإلكتروني لحسابك.
forgot-sent-title = يُرجى التحقق من بريدك الإلكتروني
forgot-sent = إذا كان { $email } عنوانًا لحساب نشط، فقد أُرسل إليه رابط لتعيين كلمة مرور جديدة. يعمل الرابط مرة واحدة فقط، ومدة صلاحيته { $lifetime }.
forgot-sent-spam = لم تصلك رسالة بعد بضع دقائق؟ يُرجى البحث في مجلد الرسائل غير المرغوب فيها، أو التواصل مع { $contact }.
reset-title = تعيين كلمة مرور جديدة
# $organization مُنسَّق مسبقًا؛ يُرجى الإبقاء على وسوم <strong>.
reset-intro = يُرجى اختيار كلمة مرور جديدة لحسابك في <strong>{ $organization }</strong>. سيؤدي تعيينها إلى تسجيل خروجك من جميع الأجهزة الأخرى.
reset-button = تعيين كلمة المرور
reset-invalid-title = رابط إعادة تعيين غير صالح
reset-invalid-text = رابط تعيين كلمة المرور الجديدة هذا لا يعمل. ربما استُخدم من قبل، أو استُبدل برسالة بريد إلكتروني أحدث.
reset-invalid-again = يُرجى استخدام الرابط الوارد في أحدث رسالة، أو طلب رابط جديد.
reset-expired-title = انتهت صلاحية رابط إعادة التعيين
reset-expired-on = انتهت صلاحية رابط تعيين كلمة المرور الجديدة هذا يوم { $date }.
reset-expired-again = يمكنك طلب رابط جديد، ومدة صلاحيته { $lifetime }.
reset-ask-again = طلب رابط جديد

## البريد الإلكتروني، مشترك

mail-hello = مرحبًا،
mail-hello-name = مرحبًا { $name }،
mail-department = القسم: { $department }
mail-teams = الفرق: { $teams }
mail-paste-link = أو يمكنك لصق هذا الرابط في المتصفح:
mail-ignore-invitation = إذا لم تكن تتوقع هذه الدعوة، فيمكنك تجاهل هذه الرسالة.
mail-questions = لأي استفسار، يُرجى التواصل مع { $contact }.

## الدعوة

invitation-subject = دعوة للانضمام إلى { $organization }
invitation-intro = لديك دعوة من { $invited_by } للانضمام إلى { $organization } بصفة { $role }.
invitation-accept-here = يمكنك قبول الدعوة واختيار كلمة المرور من هنا:
invitation-button = قبول الدعوة
invitation-expires = يعمل هذا الرابط مرة واحدة، وتنتهي صلاحيته يوم { $expires }.

## التذكير

reminder-subject = تذكير: دعوة للانضمام إلى { $organization }
reminder-intro = هذا تذكير بأن لديك دعوة من { $invited_by } للانضمام إلى { $organization } بصفة { $role }، ولا تزال الدعوة بانتظارك.
reminder-accept-here = يمكنك قبولها واختيار كلمة المرور من هنا:
reminder-expires = تنتهي صلاحية الدعوة يوم { $expires }.
reminder-first-link = ويظل الرابط الوارد في الرسالة الأولى صالحًا أيضًا حتى ذلك الحين، وأيّ الرابطين يُستخدم أولًا هو الذي يُنشئ حسابك.

## طلب رابط جديد (يُرسل إلى جهة الاتصال في المؤسسة)

renewal-request-subject = طلب رابط دعوة جديد من { $email }
renewal-request-intro = طلب { $email } رابطًا جديدًا للانضمام إلى { $organization }: انتهت صلاحية دعوته (الدور: { $role }) يوم { $expired }، فضغط على زر «{ expired-renew-button }» في صفحة «{ expired-title }».
renewal-request-resend = لإرسال دعوة جديدة إليه، نفّذ الأمر التالي:
renewal-request-list = لعرض جميع الطلبات المماثلة:
renewal-request-cancel = وإذا كنت لا تريد انضمامه، فألغِ الدعوة بدلًا من ذلك:
renewal-request-signature = invitectl في { $organization }

## إعادة تعيين كلمة المرور

reset-mail-subject = تعيين كلمة مرور جديدة لحسابك في { $organization }
reset-mail-intro = طلب شخص ما تعيين كلمة مرور جديدة لحسابك { $email } في { $organization }.
reset-mail-choose = إذا كنت أنت من طلب ذلك، فيمكنك اختيار كلمة المرور الجديدة من هنا:
reset-mail-button = تعيين كلمة مرور جديدة
reset-mail-expires = يعمل هذا الرابط مرة واحدة، وتنتهي صلاحيته يوم { $expires }.
reset-mail-logout = سيؤدي تعيين كلمة مرور جديدة إلى تسجيل خروجك من جميع الأجهزة الأخرى.
reset-mail-ignore = إذا لم تطلب ذلك، فيمكنك تجاهل هذه الرسالة، وستبقى كلمة المرور كما هي.

## انتهاء الحساب

end-warning-subject = ينتهي حسابك في { $organization } يوم { $date }
end-warning-intro = ينتهي حسابك { $email } في { $organization } يوم { $date }، ولن تتمكن من تسجيل الدخول اعتبارًا من ذلك اليوم.
end-warning-contact = إذا كان هذا خطأً أو كنت بحاجة إلى حسابك لمدة أطول، فيُرجى التواصل مع { $contact }.
