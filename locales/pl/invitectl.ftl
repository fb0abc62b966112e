# invitectl: what invitees read, in Polish (pl). Neutral polite forms, no "Ty".

## Wspólne dla stron

# Przed tytułem strony, która pokazuje problemy formularza, i przed każdym
# problemem przy jego polu (odczytywane przez czytniki ekranu).
error-prefix = Błąd:
# Wstawiane zamiast $contact, gdy nie ustawiono adresu kontaktowego; zawsze po „z”
# (narzędnik), np. „prosimy o kontakt z administratorem”.
your-administrator = administratorem
field-email = E-mail
field-first-name = Imię
field-last-name = Nazwisko
field-password = Hasło
field-confirm-password = Powtórz hasło
field-new-password = Nowe hasło
field-confirm-new-password = Powtórz nowe hasło
help-email-username = Adres e-mail konta. Służy do logowania.
help-password = Co najmniej { $min ->
    [one] { $min } znak
    [few] { $min } znaki
    [many] { $min } znaków
   *[other] { $min } znaków
}.
help-password-again = Hasło trzeba wpisać ponownie, ponieważ nie zostało zachowane.
help-confirm-password = To samo hasło jeszcze raz.
problems-heading = Formularz zawiera błędy
problems-passwords-emptied = Pola hasła zostały wyczyszczone, jak zawsze w takiej sytuacji: prosimy ponownie wpisać hasło w obu polach.
detail-name = Imię i nazwisko
detail-role = Rola
detail-department = Dział
detail-teams = Zespoły
detail-none = brak
link-log-in = Zaloguj się
duration-minutes = { $count ->
    [one] 1 minuta
    [few] { $count } minuty
    [many] { $count } minut
   *[other] { $count } minuty
}
duration-hours = { $count ->
    [one] 1 godzina
    [few] { $count } godziny
    [many] { $count } godzin
   *[other] { $count } godziny
}
duration-days = { $count ->
    [one] 1 dzień
    [few] { $count } dni
    [many] { $count } dni
   *[other] { $count } dnia
}

## Problemy z formularzem, każdy pokazany przy swoim polu

problem-first-name-required = Imię jest wymagane: prosimy wpisać imię złożone z widocznych znaków.
problem-first-name-too-long = Imię może mieć najwyżej { $max ->
    [one] { $max } znak
    [few] { $max } znaki
    [many] { $max } znaków
   *[other] { $max } znaków
} i nie może zawierać znaków sterujących.
problem-last-name-required = Nazwisko jest wymagane: prosimy wpisać nazwisko złożone z widocznych znaków.
problem-last-name-too-long = Nazwisko może mieć najwyżej { $max ->
    [one] { $max } znak
    [few] { $max } znaki
    [many] { $max } znaków
   *[other] { $max } znaków
} i nie może zawierać znaków sterujących.
problem-password-too-short = Hasło jest za krótkie: musi mieć co najmniej { $min ->
    [one] { $min } znak
    [few] { $min } znaki
    [many] { $min } znaków
   *[other] { $min } znaków
}.
problem-password-too-long = Hasło jest za długie: może mieć najwyżej { $max ->
    [one] { $max } bajt
    [few] { $max } bajty
    [many] { $max } bajtów
   *[other] { $max } bajtów
}.
problem-password-blank = Hasło składa się wyłącznie ze spacji lub niewidocznych znaków: prosimy użyć widocznych liter, cyfr lub symboli.
problem-password-common = To hasło należy do najpopularniejszych haseł, które atakujący sprawdzają w pierwszej kolejności: prosimy wybrać hasło, które nie jest słowem ani znanym schematem.
problem-passwords-differ = Hasła się nie zgadzają: prosimy dwukrotnie wpisać to samo hasło.

## Akceptacja zaproszenia

accept-title = Akceptacja zaproszenia
# $organization i $email są już oznaczone; znaczniki <strong> muszą zostać.
accept-intro = Zaproszenie do organizacji <strong>{ $organization }</strong> zostało wysłane na adres <strong class="address">{ $email }</strong>.
accept-button = Zaakceptuj i utwórz konto

## Zaproszenie wygasło oraz „Poproś o nowy link”

expired-title = Zaproszenie wygasło
# $date to np. „czwartek, 10 grudnia 2026, 14:05 (UTC)”: stoi po dwukropku.
expired-on = Termin ważności tego zaproszenia upłynął: { $date }.
# $contact to link do adresu kontaktowego albo „administratorem”.
expired-contact = Prosimy o kontakt z { $contact } w sprawie nowego zaproszenia.
expired-renew-auto = Można też od razu otrzymać nowy link: zostanie wysłany e-mailem na adres, na który wysłano to zaproszenie.
expired-renew-admin = Można też poprosić tutaj o nowy link: administrator otrzyma powiadomienie i wyśle nowy link e-mailem na adres, na który wysłano to zaproszenie.
expired-renew-button = Poproś o nowy link
renew-sent-title = Wysłano nowy link
renew-sent-to = Nowy link został wysłany na adres { $address }.
renew-sent-until = Termin ważności linku: { $date }. Poprzedni link już nie działa.
renew-sent-contact = Jeśli link nie dotrze w ciągu kilku minut, prosimy o kontakt z { $contact }.
renew-failed-title = Nie udało się wysłać nowego linku
renew-failed = Utworzono nowe zaproszenie dla adresu { $address }, ale w tej chwili nie udało się wysłać wiadomości e-mail.
renew-failed-contact = Prosimy skontaktować się z { $contact } i poprosić o ponowne wysłanie zaproszenia.
renew-asked-title = Wysłano prośbę o nowy link
renew-limit-reached = Dla tego zaproszenia wyczerpano już limit automatycznie wysyłanych nowych linków.
renew-asked = Administrator otrzymał prośbę o wysłanie nowego linku. Link zostanie wysłany e-mailem na adres { $address }.
renew-urgent-contact = W pilnej sprawie prosimy o kontakt z { $contact }.

## Linki, które nie działają

invalid-title = Nieprawidłowy link z zaproszeniem
invalid-text = Ten link z zaproszeniem nie działa. Zaproszenie mogło zostać anulowane lub zastąpione nowszą wiadomością e-mail.
invalid-contact = Prosimy otworzyć link z najnowszej otrzymanej wiadomości z zaproszeniem. Jeśli takiej wiadomości nie ma, prosimy o kontakt z { $contact } w sprawie nowego zaproszenia.
invalid-log-in = Zaloguj się na istniejące konto
used-title = Zaproszenie zostało już zaakceptowane
used-text = To zaproszenie zostało już zaakceptowane, więc konto jest gotowe.
used-log-in = Do logowania służy adres e-mail z zaproszenia i hasło ustawione podczas akceptacji zaproszenia.
used-contact = Jeśli zaproszenie zaakceptował ktoś inny, prosimy o natychmiastowy kontakt z { $contact }.

## Błędy

unavailable-title = Usługa chwilowo niedostępna
unavailable-text = Serwer nie może w tej chwili połączyć się z bazą danych. Prosimy spróbować ponownie za minutę.
failed-title = Wystąpił błąd
failed-text = Serwer nie mógł dokończyć obsługi tego żądania. Prosimy spróbować ponownie za minutę.
too-many-title = Zbyt wiele prób
too-many-text = Odnotowano zbyt wiele nieudanych prób z tej sieci lub dla tego konta. Prosimy odczekać kilka minut i spróbować ponownie.
refused-title = Żądanie odrzucone
refused-text = Ten formularz został wysłany z innej witryny, dlatego nie został przyjęty. Prosimy otworzyć stronę w tej witrynie i spróbować ponownie.
busy-title = Serwer jest zajęty
busy-text = Serwer jest obecnie przeciążony. Prosimy spróbować ponownie za minutę.
not-found-title = Nie znaleziono strony
not-found-text = Pod tym adresem nie ma żadnej strony.

## Logowanie i panel

login-title = Logowanie
login-button = Zaloguj się
login-password-again = Hasło trzeba wpisać ponownie, ponieważ nie zostało zachowane.
login-forgot = Nie pamiętam hasła
login-wrong = Nieprawidłowy adres e-mail lub hasło.
login-inactive = To konto jest nieaktywne. W sprawie ponownej aktywacji prosimy o kontakt z administratorem.
dashboard-title = Panel
dashboard-welcome = Witamy, { $name }
dashboard-your-name = Imię i nazwisko
dashboard-name-not-changed = Imię i nazwisko nie zostały zmienione.
dashboard-save-name = Zapisz imię i nazwisko
dashboard-log-out = Wyloguj się

## Zapomniane hasło

forgot-title = Nie pamiętam hasła
# $lifetime to np. „24 godziny” (mianownik): stoi po dwukropku lub po „to”.
forgot-intro = Prosimy wpisać adres e-mail konta. Wyślemy na niego link do ustawienia nowego hasła. Czas ważności linku: { $lifetime }.
forgot-button = Wyślij link do resetowania hasła
forgot-back = Powrót do logowania
forgot-email-missing = Prosimy wpisać adres e-mail konta.
forgot-sent-title = Sprawdź skrzynkę pocztową
forgot-sent = Jeśli adres { $email } należy do aktywnego konta, wysłaliśmy na niego link do ustawienia nowego hasła. Link działa jednokrotnie, a czas jego ważności to { $lifetime }.
forgot-sent-spam = Wiadomość nie dotarła w ciągu kilku minut? Warto sprawdzić folder spamu lub skontaktować się z { $contact }.
reset-title = Ustaw nowe hasło
# $organization jest już oznaczone; znaczniki <strong> muszą zostać.
reset-intro = Prosimy wybrać nowe hasło do konta w organizacji <strong>{ $organization }</strong>. Po jego ustawieniu nastąpi wylogowanie ze wszystkich pozostałych urządzeń.
reset-button = Ustaw hasło
reset-invalid-title = Nieprawidłowy link do resetowania hasła
reset-invalid-text = Ten link do ustawienia nowego hasła nie działa. Mógł zostać już użyty lub zastąpiony nowszą wiadomością e-mail.
reset-invalid-again = Prosimy użyć linku z najnowszej wiadomości albo poprosić o nowy.
reset-expired-title = Link do resetowania hasła wygasł
reset-expired-on = Termin ważności tego linku do ustawienia nowego hasła upłynął: { $date }.
reset-expired-again = Można poprosić o nowy link – czas jego ważności to { $lifetime }.
reset-ask-again = Poproś o nowy link

## Wiadomości e-mail, wspólne

mail-hello = Dzień dobry,
mail-hello-name = Dzień dobry { $name },
mail-department = Dział: { $department }
mail-teams = Zespoły: { $teams }
mail-paste-link = Można też wkleić ten link do przeglądarki:
mail-ignore-invitation = Jeśli to zaproszenie jest nieoczekiwane, można zignorować tę wiadomość.
mail-questions = W razie pytań prosimy o kontakt z { $contact }.

## Zaproszenie

invitation-subject = Zaproszenie do organizacji { $organization }
invitation-intro = { $invited_by } zaprasza do dołączenia do organizacji { $organization } w roli { $role }.
invitation-accept-here = Tutaj można zaakceptować zaproszenie i ustawić hasło:
invitation-button = Zaakceptuj zaproszenie
invitation-expires = Link działa jednokrotnie. Termin ważności: { $expires }.

## Przypomnienie

reminder-subject = Przypomnienie: zaproszenie do organizacji { $organization }
reminder-intro = Przypominamy: { $invited_by } zaprasza do dołączenia do organizacji { $organization } w roli { $role }, a zaproszenie wciąż czeka na akceptację.
reminder-accept-here = Tutaj można je zaakceptować i ustawić hasło:
reminder-expires = Termin ważności zaproszenia: { $expires }.
reminder-first-link = Do tego czasu działa też link z pierwszej wiadomości. Konto zostanie utworzone za pomocą tego linku, który zostanie użyty jako pierwszy.

## Prośba o nowy link (do osoby kontaktowej organizacji)

renewal-request-subject = { $email } prosi o nowy link z zaproszeniem
renewal-request-intro = { $email } prosi o nowy link do dołączenia do organizacji { $organization }. Termin ważności zaproszenia (rola: { $role }) upłynął: { $expired }. Na stronie „{ expired-title }” kliknięto przycisk „{ expired-renew-button }”.
renewal-request-resend = Aby wysłać nowe zaproszenie, należy uruchomić:
renewal-request-list = Aby wyświetlić wszystkie takie prośby:
renewal-request-cancel = Jeśli ta osoba nie ma dołączyć, można zamiast tego anulować zaproszenie:
renewal-request-signature = invitectl dla organizacji { $organization }

## Resetowanie hasła

reset-mail-subject = Nowe hasło do konta w organizacji { $organization }
reset-mail-intro = Otrzymaliśmy prośbę o ustawienie nowego hasła do konta { $email } w organizacji { $organization }.
reset-mail-choose = Jeśli prośba pochodzi od właściciela konta, nowe hasło można wybrać tutaj:
reset-mail-button = Ustaw nowe hasło
reset-mail-expires = Link działa jednokrotnie. Termin ważności: { $expires }.
reset-mail-logout = Ustawienie nowego hasła spowoduje wylogowanie ze wszystkich pozostałych urządzeń.
reset-mail-ignore = Jeśli prośba nie pochodzi od właściciela konta, można zignorować tę wiadomość – hasło pozostanie bez zmian.

## Koniec konta

# $date to np. „środa, 31 marca 2027”: stoi po dwukropku.
end-warning-subject = Konto w organizacji { $organization } – data wygaśnięcia: { $date }
end-warning-intro = Data wygaśnięcia konta { $email } w organizacji { $organization }: { $date }. Od tego dnia nie będzie można się zalogować.
end-warning-contact = Jeśli to pomyłka lub konto będzie potrzebne dłużej, prosimy o kontakt z { $contact }.
