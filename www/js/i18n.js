// The one Polish string catalogue of the app (requirements L21) and the
// formatters for dates, money, numbers and phone numbers.
//
// Every label shown to a user comes from `catalogue` through t(); screens never
// hold literal text. Keys are grouped by screen or component. `{name}` in a
// string is replaced by t()'s second argument.

const catalogue = {
	app: {
		name: 'Izzy CRM',
		tagline: 'Centrum obsługi finansowania',
		loading: 'Ładowanie…',
		validatingSession: 'Sprawdzanie sesji…',
		titleSuffix: 'Izzy CRM',
		skipToContent: 'Przejdź do treści',
	},
	common: {
		emptyValue: '—',
		close: 'Zamknij',
		cancel: 'Anuluj',
		save: 'Zapisz',
		saving: 'Zapisywanie…',
		retry: 'Spróbuj ponownie',
		required: 'To pole jest wymagane',
	},
	roles: {
		PARTNER: 'Partner',
		PARTNER_MANAGER: 'Menedżer partnera',
		PARTNER_EMPLOYEE: 'Pracownik partnera',
		OPERATOR: 'Operator',
		SUPERVISOR: 'Kierownik',
		ADMIN: 'Administrator',
		AUDITOR: 'Audytor',
	},
	userStatus: {
		ACTIVE: 'Aktywny',
		INVITED: 'Zaproszony',
		INACTIVE: 'Nieaktywny',
	},
	// FR-18 lead statuses, in the order of every status select. `tone` picks the
	// badge colour (css: .badge--<tone>); INBOUND and MERGED are labelled but
	// never offered in selects (frontend.md §5.1).
	leadStatus: {
		NEW: { label: 'Nowy', tone: 'indigo' },
		ONBOARDING_CONFIRMED: { label: 'Onboarding potwierdzony', tone: 'orange' },
		FIRST_CONTACT: { label: 'Pierwszy kontakt', tone: 'indigo' },
		FOLLOW_UP: { label: 'Follow-up', tone: 'indigo' },
		VERIFICATION: { label: 'Weryfikacja', tone: 'indigo' },
		UNQUALIFIED: { label: 'Nieskwalifikowany', tone: 'indigo' },
		GATHERING_DOCUMENTS: { label: 'Kompletowanie dokumentów', tone: 'indigo' },
		CREDIT_ANALYSIS: { label: 'Analiza kredytowa', tone: 'indigo' },
		OFFER_PRESENTED: { label: 'Oferta przedstawiona', tone: 'indigo' },
		NEGOTIATIONS: { label: 'Negocjacje', tone: 'indigo' },
		TERMS_ACCEPTED: { label: 'Akceptacja warunków', tone: 'indigo' },
		CONTRACT_IN_PREPARATION: { label: 'Umowa w przygotowaniu', tone: 'indigo' },
		CONTRACT_SIGNING: { label: 'Podpisanie umowy', tone: 'indigo' },
		CLOSED_WON: { label: 'Zakończony – sukces', tone: 'indigo' },
		CLOSED_LOST: { label: 'Zakończony – utracony', tone: 'indigo' },
		CLOSED_NO_FINANCING: { label: 'Zakończony – brak zdolności', tone: 'indigo' },
		CANCELLED: { label: 'Anulowany', tone: 'indigo' },
		INBOUND: { label: 'Przychodzący', tone: 'indigo' },
		MERGED: { label: 'Scalony', tone: 'indigo' },
	},
	// frontend.md §5.2: online application form statuses.
	formStatus: {
		DRAFT: { label: 'Roboczy', tone: 'neutral' },
		IN_PROGRESS: { label: 'Wypełniany', tone: 'info' },
		READY: { label: 'Gotowy do wysyłki', tone: 'success' },
		SUBMITTED: { label: 'Przesłany', tone: 'success' },
		LOCKED: { label: 'Zablokowany', tone: 'danger' },
		UNLOCKED: { label: 'Odblokowany', tone: 'warning' },
	},
	// frontend.md §5.3: insurance onboarding statuses.
	onboardingStatus: {
		CREATED: { label: 'Oczekuje', tone: 'slate' },
		ONBOARDING_SENT: { label: 'Link wysłany', tone: 'sky' },
		LINK_OPENED: { label: 'Link otwarty', tone: 'violet' },
		SLOT_SELECTED: { label: 'Termin wybrany', tone: 'amber' },
		ONBOARDING_CONFIRMED: { label: 'Onboarding potwierdzony', tone: 'orange' },
		CONSENTS_CAPTURED: { label: 'Zgody zebrane', tone: 'success' },
		COMPLETED: { label: 'Zakończony', tone: 'success' },
	},
	nav: {
		label: 'Nawigacja główna',
		expand: 'Rozwiń nawigację',
		collapse: 'Zwiń nawigację',
		leads: { label: 'Leady', description: 'Obsługa i kontakt ze wszystkimi leadami' },
		partners: { label: 'Partnerzy', description: 'Dane partnerów i ich SLA' },
		analytics: { label: 'Analityka', description: 'Wolumen, konwersja i lejek sprzedaży' },
		users: { label: 'Użytkownicy', description: 'Zaproszenia, role i resetowanie haseł' },
		consents: { label: 'Zarządzanie zgodami', description: 'Szablony zgód dla wszystkich formularzy' },
		consentRecords: { label: 'Archiwum zgód', description: 'Przegląd i audyt zarejestrowanych zgód' },
		applicationForm: { label: 'Podgląd formularza klienta', description: 'Formularz wniosku widziany przez klienta' },
		board: { label: 'Tablica', description: 'Lejek leadów w kolumnach statusów' },
		// Issue 14: partner API keys.
		apiKeys: { label: 'Klucze API', description: 'Klucze do API partnera' },
	},
	shell: {
		logout: 'Wyloguj',
		loggingOut: 'Wylogowywanie…',
		partner: 'Partner: {name}',
		userMenu: 'Zalogowany użytkownik',
	},
	router: {
		forbidden: 'Nie masz dostępu do tej części aplikacji. Przekierowano do obsługi leadów.',
		loadFailed: 'Nie udało się wczytać tego ekranu. Odśwież stronę.',
	},
	// frontend.md §9 (in Polish, as the whole app: requirements L21).
	analytics: {
		title: 'Analityka',
		subtitle: 'Kondycja lejka, wąskie gardła i wyniki partnerów.',
		filters: 'Zakres danych analityki',
		range: 'Zakres czasu',
		lastDays: 'Ostatnie {n} dni',
		partner: 'Partner',
		allPartners: 'Wszyscy partnerzy',
		window: 'Okres: {range}',
		loadFailed: 'Nie udało się wczytać analityki.',
		loadingChart: 'Ładowanie wykresu…',
		showTable: 'Pokaż jako tabelę',
		showChart: 'Pokaż wykres',
		days: '{n} dnia',
		ago: {
			minutes: '{n} min temu',
			hours: '{n} godz. temu',
			days: '{n} dni temu',
		},
		summary: {
			total: 'Wszystkie leady',
			totalDesc: 'Od początku',
			new: 'Nowe leady',
			newDesc: 'Utworzone w ostatnich {n} dniach',
			conversion: 'Konwersja',
			conversionDesc: 'Podpisane umowy ({n}) względem nowych leadów',
			avgClose: 'Śr. czas do zamknięcia',
			avgCloseDesc: 'Leady zamknięte sukcesem w tym okresie',
		},
		monitoring: {
			title: 'Monitoring systemu',
			subtitle: 'Problemy operacyjne i miejsca, w których klienci się zatrzymują.',
			pins: 'Nieudane próby PIN',
			pinsCaption: 'w ciągu ostatnich {n} dni',
			stuck: '„Zawieszone” formularze',
			noStuck: 'Brak zawieszonych formularzy.',
			noName: 'Klient bez nazwiska',
			loading: 'Ładowanie...',
		},
		volume: {
			title: 'Liczba leadów w czasie',
			subtitle: 'Nowe leady w wybranym okresie, dzień po dniu',
			empty: 'Brak leadów w tym okresie.',
			series: 'Leady',
			date: 'Dzień',
			count: 'Liczba leadów',
		},
		conversion: {
			title: 'Konwersja według partnera',
			subtitle: 'Podpisane umowy względem nowych leadów każdego partnera',
			empty: 'Brak danych o konwersji partnerów.',
			series: 'Konwersja',
			partner: 'Partner',
			total: 'Leady',
			converted: 'Podpisane',
			rate: 'Konwersja',
		},
		funnel: {
			title: 'Lejek leadów',
			subtitle: 'Obecny rozkład wszystkich leadów według statusu',
			empty: 'Brak leadów w lejku.',
			series: 'Leady',
			status: 'Status',
			count: 'Liczba leadów',
		},
		compliance: {
			title: 'Zgodność (RODO)',
			subtitle: 'Kompletność zgód, braki i terminy retencji wszystkich widocznych leadów',
			completeShare: 'Leady z kompletnymi zgodami',
			completeOf: '{n} z {total}',
			missing: 'Brak wymaganej zgody > 7 dni',
			missingDesc: 'Leady starsze niż 7 dni bez wymaganej zgody',
			retention: 'Retencja w ciągu 30 dni',
			retentionDesc: 'Zamknięte leady do anonimizacji (36/12 miesięcy)',
			bySource: 'Kompletne zgody według źródła',
			byType: 'Udzielone zgody według rodzaju',
			source: 'Źródło',
			unknownSource: 'Nieznane',
			type: 'Rodzaj zgody',
			leads: 'Leady',
			complete: 'Kompletne',
			share: 'Udział',
			empty: 'Brak leadów.',
		},
		consentType: {
			PARTNER_DECLARATION: 'Oświadczenie partnera',
			MARKETING: 'Marketing',
			FINANCIAL_PARTNERS: 'Partnerzy finansowi',
			VEHICLE_PARTNERS: 'Partnerzy motoryzacyjni',
			PHONE_CONTACT: 'Kontakt telefoniczny',
		},
	},
	placeholder: {
		text: 'Ten moduł jest w przygotowaniu.',
	},
	pagination: {
		label: 'Stronicowanie',
		previous: 'Poprzednia',
		next: 'Następna',
		page: 'Strona {page} z {total}',
	},
	consentStatus: {
		complete: { label: 'Zgody kompletne', tone: 'success' },
		incomplete: { label: 'Zgody niepełne', tone: 'warning' },
		missing_required: { label: 'Brak wymaganych zgód', tone: 'danger' },
		no_templates: { label: 'Brak wzorów zgód', tone: 'neutral' },
	},
	partnerStatus: {
		ACTIVE: 'Aktywny',
		INACTIVE: 'Nieaktywny',
		PENDING: 'Oczekujący',
	},
	decision: {
		PENDING: 'Oczekuje',
		APPROVED: 'Zaakceptowany',
		REJECTED: 'Odrzucony',
	},
	// FR-20: predefined reasons of the terminal negative statuses.
	statusReasons: {
		NO_CREDIT_CAPACITY: 'Brak zdolności kredytowej',
		NEGATIVE_CREDIT_HISTORY: 'Negatywna historia kredytowa',
		CLIENT_RESIGNED: 'Klient zrezygnował',
		NO_CONTACT: 'Brak kontaktu po wielu próbach',
		COMPETITOR_OFFER: 'Lepsza oferta konkurencji',
		LONG_WAIT: 'Długi czas oczekiwania',
		MISSING_DOCUMENTS: 'Brak wymaganych dokumentów',
		DATA_ERROR: 'Błąd w danych klienta',
		PRODUCT_WITHDRAWN: 'Produkt wycofany z oferty',
		REGULATION_CHANGE: 'Zmiana regulacji prawnych',
		OTHER: 'Inny powód (opisz w uzasadnieniu)',
	},
	leads: {
		title: 'Leady',
		columns: 'Kolumny',
		subtitle: 'Zalogowany/a jako {name}',
		subtitlePartner: 'Zalogowany/a jako {name} (partner: {partner})',
		total: { one: '{n} lead łącznie', few: '{n} leady łącznie', many: '{n} leadów łącznie' },
		empty: 'Brak leadów do wyświetlenia',
		emptyFiltered: 'Brak leadów spełniających kryteria.',
		loading: 'Ładowanie leadów…',
		loadFailed: 'Nie udało się wczytać leadów.',
		caption: 'Lista leadów',
		add: 'Dodaj nowy lead',
		refresh: 'Odśwież',
		results: 'Wyniki: {n}',
		filters: 'Filtry listy leadów',
		search: 'Szukaj klienta',
		searchPlaceholder: 'Imię, nazwisko, e-mail lub telefon',
		status: 'Status',
		allStatuses: 'Wszystkie statusy',
		openStatuses: 'Otwarte (w toku)',
		closedStatuses: 'Zamknięte',
		statusGroup: 'Pojedynczy status',
		partner: 'Partner',
		allPartners: 'Wszyscy partnerzy',
		assignee: 'Przypisanie',
		allAssignees: 'Wszyscy',
		mine: 'Przypisane do mnie',
		unassigned: 'Nieprzypisane',
		operators: 'Operatorzy',
		col: {
			client: 'Klient',
			status: 'Status',
			consents: 'Zgody',
			assignee: 'Przypisany',
			partner: 'Partner',
			created: 'Dodany',
		},
		noCustomer: 'Brak danych klienta',
		nobody: 'Nieprzypisany',
		created: 'Utworzono lead {id}.',
		denied: {
			title: 'Brak dostępu',
			code: 'Błąd 403',
			text: 'Nie masz uprawnień do tego leada. Jeśli to pomyłka, poproś kierownika o przypisanie.',
		},
		notFound: {
			title: 'Nie znaleziono leada',
			code: 'Błąd 404',
			text: 'Lead o podanym identyfikatorze nie istnieje albo został usunięty.',
		},
		backToList: 'Wróć do listy leadów',
	},
	leadForm: {
		title: 'Nowy lead',
		customerLegend: 'Dane klienta',
		firstName: 'Imię',
		lastName: 'Nazwisko',
		partner: 'Partner',
		choosePartner: 'Wybierz partnera',
		partnersLoading: 'Wczytywanie partnerów…',
		partnersFailed: 'Nie udało się wczytać partnerów.',
		partnerMissing: 'Twoje konto nie jest przypisane do partnera. Poproś administratora o przypisanie albo o utworzenie leada.',
		email: 'E-mail',
		phone: 'Telefon',
		phoneHint: 'Wpisz 9 cyfr numeru, np. 600 100 200',
		customerType: 'Rodzaj klienta',
		choose: 'Wybierz',
		city: 'Miasto',
		cityPlaceholder: 'np. Warszawa',
		postalCode: 'Kod pocztowy',
		postalCodePlaceholder: 'np. 00-000',
		voivodeship: 'Województwo',
		amount: 'Dostępna kwota (PLN)',
		vehicleLegend: 'Informacje o pojeździe',
		vehicleHint: 'Opcjonalne: obecny pojazd klienta i poszukiwane pojazdy.',
		currentVehicle: 'Obecny pojazd',
		make: 'Marka',
		makePlaceholder: 'np. Toyota',
		model: 'Model',
		modelPlaceholder: 'np. Corolla',
		year: 'Rok produkcji',
		mileage: 'Przebieg [km]',
		vin: 'Nr VIN pojazdu',
		vinPlaceholder: '17 znaków alfanumerycznych',
		desiredVehicles: 'Poszukiwane pojazdy',
		desiredVehicle: 'Pojazd {n}',
		addVehicle: 'Dodaj pojazd',
		removeVehicle: 'Usuń pojazd {n}',
		desiredMakePlaceholder: 'np. Skoda',
		desiredModelPlaceholder: 'np. Octavia',
		yearFrom: 'Rok od',
		yearTo: 'Rok do',
		budgetFrom: 'Budżet od (PLN)',
		budgetTo: 'Budżet do (PLN)',
		comment: 'Uwagi',
		commentPlaceholder: 'np. rodzinne kombi',
		consentsLegend: 'Zgody',
		consentsLoading: 'Ładowanie zgód…',
		consentsFailed: 'Nie udało się wczytać wzorów zgód.',
		consentsUnavailable: 'Wzory zgód nie są jeszcze dostępne w systemie. Lead zostanie utworzony bez zgód; zgody klient poda później w formularzu online.',
		consentsNone: 'Brak aktywnych wzorów zgód dla tego formularza.',
		consentsHint: 'Zaznacz tylko zgody, których klient faktycznie udzielił. Żadna zgoda nie jest zaznaczona z góry.',
		showContent: 'Pokaż treść',
		hideContent: 'Ukryj treść',
		noContent: 'Brak treści zgody.',
		submit: 'Utwórz lead',
		submitting: 'Tworzenie…',
		failed: 'Nie udało się utworzyć leada.',
		duplicatesTitle: 'Możliwy duplikat',
		duplicatesText: 'W systemie są już leady z tym adresem e-mail lub numerem telefonu:',
		duplicateItem: '{name} · {status} · dodany {date}',
		createdWithDuplicates: 'Lead utworzony, ale może być duplikatem istniejącego leada.',
		errors: {
			required: 'To pole jest wymagane',
			email: 'Nieprawidłowy email (np. user@example.com).',
			phone: 'Nieprawidłowy numer telefonu (np. +48 123 456 789).',
			postalCode: 'Nieprawidłowy kod pocztowy (wymagany format 00-000).',
			amount: 'Dostępna kwota musi być liczbą nieujemną.',
			vin: 'Numer VIN musi składać się z dokładnie 17 znaków alfanumerycznych.',
			year: 'Rok musi być liczbą z zakresu 1900–{max}.',
			mileage: 'Przebieg musi być liczbą całkowitą nieujemną.',
			budget: 'Budżety dla poszukiwanych pojazdów muszą być nieujemne.',
			consents: 'Wymagane zgody muszą być zaznaczone.',
			partner: 'Wybierz partnera.',
			fix: 'Popraw zaznaczone pola.',
		},
	},
	lead: {
		title: 'Lead {name}',
		untitled: 'Szczegóły leada',
		loading: 'Ładowanie szczegółów leada…',
		loadFailed: 'Nie udało się wczytać szczegółów leada.',
		refresh: 'Odśwież',
		refreshed: 'Odświeżono dane leada.',
		edit: 'Edytuj',
		email: 'E-mail',
		phone: 'Telefon',
		clientActive: 'Klient jest obecnie aktywny w formularzu online. Edycja danych została zablokowana do czasu zakończenia sesji.',
		merged: 'Ten lead został scalony z innym leadem i jest zachowany tylko jako historia.',
		mergedLink: 'Przejdź do leada docelowego',
		anonymized: 'Dane osobowe klienta zostały zanonimizowane {date}.',
		summary: {
			status: 'Status',
			consents: 'Zgody',
			assignee: 'Przypisany do',
			lastContact: 'Ostatni kontakt',
			partner: 'Partner',
			created: 'Utworzono',
			nextAction: 'Następna akcja',
		},
		assignment: {
			label: 'Przypisany do',
			unassigned: 'Do przypisania',
			loading: 'Wczytywanie operatorów…',
			loadFailed: 'Nie udało się wczytać operatorów.',
			assigned: 'Lead przypisany do {name}.',
			cleared: 'Lead oznaczony jako nieprzypisany.',
			failed: 'Nie udało się zmienić przypisania.',
		},
		customer: {
			title: 'Informacje o kliencie',
			editTitle: 'Edycja danych klienta',
			firstName: 'Imię',
			lastName: 'Nazwisko',
			email: 'E-mail',
			phone: 'Telefon',
			customerType: 'Rodzaj klienta',
			city: 'Miasto',
			postalCode: 'Kod pocztowy',
			voivodeship: 'Województwo',
			saved: 'Zaktualizowano dane klienta.',
			failed: 'Nie udało się zapisać danych klienta.',
			notes: 'Notatka leada',
		},
		vehicles: {
			title: 'Informacje o pojeździe',
			editTitle: 'Edycja pojazdów i finansowania',
			current: 'Aktualny pojazd',
			desired: 'Poszukiwane pojazdy',
			financing: 'Forma finansowania',
			anyVehicle: 'Dowolny pojazd',
			yearPart: 'Rocznik: {value}',
			yearRange: 'Rocznik: {from} – {to}',
			from: 'od',
			to: 'do',
			budgetRange: 'Budżet: {from} – {to}',
			commentPart: 'Uwagi: {value}',
			mileagePart: 'Przebieg: {value} km',
			vinPart: 'VIN: {value}',
			compensation: 'Dostępna kwota / odszkodowanie: {amount}',
			notes: 'Dodatkowe informacje: {value}',
			currentLegend: 'Obecny pojazd',
			ownership: 'Status własności',
			desiredLegend: 'Poszukiwane pojazdy',
			financingLegend: 'Finansowanie',
			financingType: 'Rodzaj finansowania',
			financingAmount: 'Kwota finansowania (PLN)',
			amountAvailable: 'Dostępna kwota / odszkodowanie (PLN)',
			amountHint: 'Pozostaw puste, aby usunąć kwotę.',
			generalNotes: 'Ogólne uwagi rozmowy',
			saved: 'Zaktualizowano dane pojazdów.',
			failed: 'Nie udało się zapisać danych pojazdów.',
			amountError: 'Kwota musi być liczbą nieujemną.',
		},
		status: {
			title: 'Zmiana statusu',
			current: 'Obecny status: {label}',
			next: 'Nowy status',
			choose: 'Wybierz status',
			recommended: 'Zalecane',
			override: 'Poza ścieżką (nadpisanie)',
			overrideHint: 'Ten status jest poza zalecaną ścieżką. Zmiana zostanie zapisana i odnotowana jako nadpisanie.',
			reason: 'Powód',
			reasonHint: 'Wybierz powód z listy albo opisz go w notatce.',
			chooseReason: 'Wybierz powód',
			notes: 'Notatka (opcjonalnie)',
			justification: 'Uzasadnienie',
			submit: 'Zmień status',
			submitting: 'Zapisywanie…',
			saved: 'Status leada zmieniony na „{label}”.',
			failed: 'Nie udało się zmienić statusu.',
			none: 'Z tego statusu nie ma zalecanych przejść.',
			noneOverride: 'Z tego statusu nie ma zalecanych przejść. Możesz go zmienić poza ścieżką (nadpisanie).',
			errors: {
				status: 'Wybierz nowy status.',
				reason: 'Wybierz powód z listy lub opisz go w notatce.',
				justification: 'Podaj uzasadnienie.',
				tooLong: 'Dozwolone najwyżej 2000 znaków.',
			},
		},
		history: {
			title: 'Historia statusów',
			empty: 'Brak zmian statusu.',
			caption: 'Historia statusów leada',
			when: 'Data',
			from: 'Poprzedni',
			to: 'Nowy',
			reason: 'Powód / notatka',
			by: 'Zmienił(a)',
			system: 'System',
			override: 'nadpisanie',
		},
		documents: {
			title: 'Dokumenty',
			empty: 'Brak dokumentów.',
			checksum: 'Suma kontrolna: {value}',
			attachTitle: 'Załącz nowy dokument',
			type: 'Rodzaj dokumentu',
			file: 'Plik',
			choose: 'Wybierz plik',
			noFile: 'Nie wybrano pliku',
			upload: 'Załącz plik',
			uploading: 'Załączanie pliku...',
			progress: 'Postęp wysyłania',
			uploaded: 'Dokument został załączony.',
			errors: {
				noFile: 'Wybierz plik do załączenia.',
				tooLarge: 'Plik jest za duży. Maksymalny rozmiar to {mb} MB.',
				type: 'Niedozwolony typ pliku.',
				failed: 'Nie udało się załączyć dokumentu.',
				code: {
					EMPTY_FILE: 'Plik jest pusty.',
					CHECKSUM_MISMATCH: 'Suma kontrolna nie zgadza się z plikiem. Spróbuj wysłać go ponownie.',
					INVALID_FILE_NAME: 'Nieprawidłowa nazwa pliku. Zmień nazwę pliku i spróbuj ponownie.',
					LIMIT_UNEXPECTED_FILE: 'Nieprawidłowy formularz: plik w nieoczekiwanym polu.',
					LIMIT_FILE_COUNT: 'Można załączyć tylko jeden plik naraz.',
					STORAGE_UNAVAILABLE: 'Magazyn plików jest chwilowo niedostępny. Spróbuj ponownie później.',
				},
			},
		},
		communications: {
			title: 'Komunikacja',
			empty: 'Brak wiadomości i notatek.',
			refresh: 'Odśwież',
			loadError: 'Nie udało się wczytać historii komunikacji.',
			attempts: 'próby: {n}',
			reason: 'Powód',
			retry: 'Ponów wysyłkę',
			retried: 'Wiadomość ponownie dodana do kolejki.',
			showHtml: 'pokaż HTML',
			hideHtml: 'ukryj HTML',
			htmlTitle: 'Treść HTML wiadomości',
			attachment: 'Załącznik: {name} ({size} B)',
			status: {
				queued: 'w kolejce',
				sent: 'wysłano',
				failed: 'błąd – ponowna próba',
				dead: 'nie dostarczono',
			},
			kind: {
				note: 'Notatka',
				emailOut: 'E-mail wysłany',
				emailIn: 'E-mail odebrany',
				smsOut: 'SMS wysłany',
				smsIn: 'SMS odebrany',
				webhook: 'Zdarzenie CRM (webhook)',
			},
		},
		notes: {
			title: 'Notatki',
			add: 'Nowa notatka',
			addTitle: 'Nowa notatka',
			empty: 'Żadnych notatek jeszcze nie dodano.',
			content: 'Treść notatki',
			link: 'Link (opcjonalnie)',
			linkPlaceholder: 'https://example.com',
			save: 'Zapisz notatkę',
			saved: 'Dodano notatkę.',
			failed: 'Nie udało się dodać notatki.',
			unknownAuthor: 'Nieznany autor',
			showAll: 'Pokaż wszystkie notatki ({n})',
			showLess: 'Pokaż mniej',
			linkLabel: 'Link',
			incoming: 'Przychodzący e-mail',
			outgoing: 'Wysłany e-mail',
			errors: {
				empty: 'Notatka nie może być pusta.',
				tooLong: 'Notatka może mieć najwyżej 2000 znaków.',
				link: 'Podaj poprawny adres zaczynający się od http:// lub https://.',
			},
		},
		financing: {
			title: 'Wnioski o finansowanie',
			add: 'Dodaj wniosek',
			addTitle: 'Nowy wniosek o finansowanie',
			editTitle: 'Edycja wniosku: {bank}',
			empty: 'Brak wniosków o finansowanie.',
			bank: 'Bank / instytucja',
			loanAmount: 'Kwota kredytu (PLN)',
			downPayment: 'Wpłata własna (PLN)',
			termMonths: 'Okres (miesiące)',
			income: 'Dochód (PLN)',
			expenses: 'Wydatki (PLN)',
			decision: 'Decyzja',
			noDecision: 'Brak decyzji',
			save: 'Zapisz wniosek',
			saved: 'Zapisano wniosek o finansowanie.',
			failed: 'Nie udało się zapisać wniosku o finansowanie.',
			caption: 'Wnioski o finansowanie',
			updated: 'Aktualizacja',
			errors: {
				bank: 'Podaj nazwę banku lub instytucji.',
				amount: 'Wartość musi być liczbą nieujemną.',
				term: 'Okres musi być dodatnią liczbą całkowitą.',
			},
		},
		activity: {
			title: 'Ostatnia aktywność',
			empty: 'Brak aktywności.',
			showAll: 'Pokaż całą aktywność ({n})',
			showLess: 'Pokaż mniej',
			system: 'System',
			actions: {
				status_change: 'Zmiana statusu',
				customer_updated: 'Zmiana danych klienta',
				vehicle_updated: 'Zmiana danych pojazdów',
				assignment_change: 'Zmiana przypisania',
				note_added: 'Dodano notatkę',
				financing_update: 'Zapisano wniosek o finansowanie',
				document_added: 'Dodano dokument',
				LEAD_ANONYMIZED: 'Zanonimizowano dane klienta',
				lead_anonymized: 'Zanonimizowano dane klienta',
				lead_merge: 'Scalono duplikat z tym leadem',
				lead_merged: 'Scalono duplikat z tym leadem',
				lead_merged_into: 'Lead scalony z innym leadem',
				lead_created: 'Utworzono lead',
				CLIENT_ACTIVE_BLOCK: 'Zablokowano edycję (klient aktywny)',
				APPLICATION_FORM_CREATED: 'Wygenerowano link do formularza',
				APPLICATION_FORM_UNLOCK: 'Odblokowano formularz',
			},
			statusDetail: 'Status: {from} → {to}',
			reason: 'Powód: {reason}',
			override: 'Nadpisanie zalecanej ścieżki statusów',
		},
		duplicates: {
			title: 'Duplikaty i scalanie',
			hint: 'Leady z tym samym adresem e-mail lub numerem telefonu klienta. Scalenie oznacza bieżący lead jako scalony (MERGED) i przenosi jego historię do leada docelowego.',
			none: 'Nie znaleziono innych leadów z tymi danymi kontaktowymi.',
			loading: 'Szukanie duplikatów…',
			mergeInto: 'Scal z tym leadem',
			targetId: 'Identyfikator leada docelowego',
			targetHint: 'Możesz też podać identyfikator dowolnego leada, z którym ten ma zostać scalony.',
			mergeById: 'Scal z podanym leadem',
			confirmTitle: 'Scalanie leadów',
			confirmText: 'Bieżący lead ({source}) zostanie oznaczony jako scalony z leadem {target}. Tej operacji nie można cofnąć.',
			confirm: 'Scal leady',
			merging: 'Scalanie…',
			merged: 'Leady zostały scalone.',
			failed: 'Nie udało się scalić leadów.',
			targetRequired: 'Podaj identyfikator leada docelowego.',
			self: 'Nie można scalić leada z nim samym.',
		},
		admin: {
			title: 'Akcje administratora',
			anonymize: 'Anonimizuj klienta',
			anonymizeTitle: 'Anonimizacja danych klienta',
			warning: 'Uwaga: ta operacja jest nieodwracalna. Wszystkie dane osobowe klienta zostaną trwale zanonimizowane.',
			confirmLabel: 'Aby potwierdzić, wpisz ANONIMIZUJ poniżej',
			confirmWord: 'ANONIMIZUJ',
			confirm: 'Anonimizuj',
			running: 'Anonimizacja…',
			done: 'Dane klienta zostały zanonimizowane.',
			failed: 'Nie udało się zanonimizować danych.',
			mismatch: 'Wpisany tekst nie zgadza się z „ANONIMIZUJ”.',
		},
		gdpr: {
			title: 'RODO: eksport i retencja',
			export: 'Eksport danych (Art. 15)',
			exportJson: 'Eksport JSON',
			exportHint: 'Pełny eksport danych klienta (art. 15 RODO) do wydruku lub w formacie JSON. Każdy eksport jest odnotowywany w dzienniku zdarzeń.',
			exempt: 'Wyłącz z automatycznej anonimizacji',
			exemptHint: 'Lead nie zostanie zanonimizowany automatycznie po upływie okresu retencji.',
			noticed: 'Administratorzy zostali powiadomieni o planowanej anonimizacji: {date}.',
			exemptOn: 'Lead wyłączony z automatycznej anonimizacji.',
			exemptOff: 'Lead objęty automatyczną retencją.',
			exemptFailed: 'Nie udało się zmienić ustawienia retencji.',
		},
		form: {
			title: 'Formularz klienta',
			status: 'Status formularza',
			lastActivity: 'Ostatnia aktywność klienta',
			submitted: 'Przesłano',
			none: 'Brak powiązanego formularza online.',
		},
	},
	email: {
		open: 'Wyślij wiadomość',
		title: 'Wiadomość do klienta',
		loading: 'Wczytywanie wersji roboczej…',
		to: 'Do: {email}',
		subject: 'Temat',
		message: 'Wiadomość',
		messagePlaceholder: 'Wpisz swoją wiadomość tutaj…',
		links: 'Linki do ofert',
		link: 'Link {n}',
		addLink: 'Dodaj kolejny link',
		removeLink: 'Usuń link {n}',
		draftSaved: 'Wersja robocza zapisana.',
		close: 'Zamknij',
		send: 'Wyślij wiadomość',
		sending: 'Wysyłanie…',
		sent: 'Wiadomość dodana do kolejki wysyłki.',
		errors: {
			subject: 'Podaj temat.',
			message: 'Wpisz treść wiadomości.',
			link: 'Podaj poprawny adres zaczynający się od http:// lub https://.',
		},
		offer: {
			open: 'Generuj ofertę specjalną',
			title: 'Oferta specjalna',
			url: 'Adres oferty',
			discount: 'Wartość rabatu (PLN)',
			submit: 'Dodaj link do wiadomości',
			running: 'Generowanie…',
			done: 'Oferta specjalna została wygenerowana.',
			errors: {
				url: 'Podaj adres strony z ofertą (http:// lub https://).',
				discount: 'Wartość rabatu musi być liczbą całkowitą nieujemną.',
			},
		},
	},
	users: {
		title: 'Użytkownicy',
		subtitle: 'Zapraszaj członków zespołu, zarządzaj rolami i wysyłaj linki do zmiany hasła.',
		caption: 'Użytkownicy',
		total: '{n} łącznie',
		loading: 'Ładowanie użytkowników…',
		empty: 'Brak użytkowników.',
		loadFailed: 'Nie udało się wczytać użytkowników.',
		invite: 'Zaproś użytkownika',
		refresh: 'Odśwież',
		filters: 'Filtry listy użytkowników',
		role: 'Rola',
		allRoles: 'Wszystkie role',
		status: 'Status',
		allStatuses: 'Wszystkie statusy',
		partner: 'Partner',
		allPartners: 'Wszyscy partnerzy',
		noPartner: 'Bez partnera',
		search: 'Szukaj',
		searchPlaceholder: 'Imię i nazwisko, e-mail lub telefon',
		col: {
			name: 'Imię i nazwisko',
			email: 'E-mail',
			role: 'Rola',
			status: 'Status',
			partner: 'Partner',
			actions: 'Akcje',
		},
		edit: 'Edytuj',
		editNamed: 'Edytuj: {name}',
		reset: 'Reset hasła',
		resetNamed: 'Wyślij link do ustawienia hasła: {name}',
		deactivate: 'Dezaktywuj',
		deactivateNamed: 'Dezaktywuj: {name}',
		activate: 'Aktywuj',
		activateNamed: 'Aktywuj: {name}',
		you: '(Ty)',
		inviteTitle: 'Zaproś użytkownika',
		inviteInfo: 'Nowy użytkownik dostanie e-mailem link do ustawienia hasła. Konto stanie się aktywne, gdy ustawi hasło.',
		editTitle: 'Edycja: {name}',
		email: 'E-mail',
		fullName: 'Imię i nazwisko',
		phone: 'Telefon',
		partnerOptional: 'Partner (opcjonalnie)',
		partnersLoading: 'Wczytywanie partnerów…',
		partnersFailed: 'Nie udało się wczytać partnerów.',
		ownRole: 'Nie możesz zmienić własnej roli.',
		managersOnlyAdmin: 'Tylko administrator może zarządzać kontami administratorów i kierowników.',
		sendInvite: 'Wyślij zaproszenie',
		sending: 'Wysyłanie…',
		save: 'Zapisz zmiany',
		saving: 'Zapisywanie…',
		invited: 'Wysłano zaproszenie do {email}.',
		updated: 'Zapisano zmiany użytkownika {email}.',
		failed: 'Nie udało się zapisać użytkownika.',
		resetTitle: 'Link do ustawienia hasła',
		resetText: 'Wysłać do {email} link do ustawienia nowego hasła? Obecne hasło przestanie działać dopiero po ustawieniu nowego.',
		resetConfirm: 'Wyślij link',
		resetDone: 'Wysłano link do ustawienia hasła na {email}.',
		resetFailed: 'Nie udało się wysłać linku.',
		deactivateTitle: 'Dezaktywacja konta',
		deactivateText: 'Dezaktywować konto {email}? Użytkownik zostanie wylogowany i nie będzie mógł się zalogować.',
		deactivated: 'Konto {email} zostało dezaktywowane.',
		activateTitle: 'Aktywacja konta',
		activateText: 'Aktywować ponownie konto {email}?',
		activated: 'Konto {email} zostało aktywowane.',
		errors: {
			email: 'Podaj poprawny adres e-mail.',
			fullName: 'Podaj imię i nazwisko.',
			partner: 'Użytkownik z rolą partnera musi mieć przypisanego partnera.',
		},
	},
	partners: {
		title: 'Partnerzy',
		subtitle: 'Twórz partnerów, ustawiaj cele SLA i aktualizuj dane kontaktowe.',
		caption: 'Partnerzy',
		total: '{n} łącznie',
		loading: 'Ładowanie partnerów…',
		empty: 'Brak partnerów.',
		loadFailed: 'Nie udało się wczytać partnerów.',
		add: 'Dodaj partnera',
		refresh: 'Odśwież',
		filters: 'Filtry listy partnerów',
		status: 'Status',
		allStatuses: 'Wszystkie statusy',
		search: 'Szukaj',
		searchPlaceholder: 'Nazwa partnera lub notatka',
		col: {
			name: 'Nazwa',
			status: 'Status',
			contact: 'Osoba kontaktowa',
			notes: 'Notatki',
			actions: 'Akcje',
		},
		dates: 'Utworzono {created} · zmieniono {updated}',
		edit: 'Edytuj',
		editNamed: 'Edytuj: {name}',
		createTitle: 'Nowy partner',
		editTitle: 'Edycja: {name}',
		name: 'Nazwa',
		contactLegend: 'Osoba kontaktowa',
		contactName: 'Imię i nazwisko',
		contactEmail: 'E-mail',
		contactPhone: 'Telefon',
		slaLegend: 'SLA (opcjonalnie)',
		leadResponseMinutes: 'Czas reakcji na lead (minuty)',
		contractTurnaroundDays: 'Czas przygotowania umowy (dni)',
		notes: 'Notatki',
		create: 'Utwórz partnera',
		save: 'Zapisz zmiany',
		saving: 'Zapisywanie…',
		created: 'Utworzono partnera {name}.',
		updated: 'Zapisano partnera {name}.',
		failed: 'Nie udało się zapisać partnera.',
		errors: {
			name: 'Podaj nazwę partnera.',
			email: 'Podaj poprawny adres e-mail.',
			number: 'Wartość musi być liczbą całkowitą nieujemną.',
		},
	},
	login: {
		title: 'Logowanie',
		subtitle: 'Zaloguj się, aby kontynuować',
		email: 'E-mail',
		password: 'Hasło',
		submit: 'Zaloguj się',
		submitting: 'Logowanie…',
		forgot: 'Nie pamiętasz hasła?',
		expired: 'Sesja wygasła. Zaloguj się ponownie.',
	},
	forgotPassword: {
		title: 'Nie pamiętasz hasła?',
		subtitle: 'Podaj adres e-mail konta, a wyślemy link do ustawienia nowego hasła.',
		email: 'E-mail',
		submit: 'Wyślij link',
		submitting: 'Wysyłanie…',
		sent: 'Jeśli konto o podanym adresie istnieje, wysłaliśmy na nie link do ustawienia nowego hasła. Link jest ważny przez 60 minut.',
		back: 'Powrót do logowania',
	},
	setPassword: {
		title: 'Ustaw nowe hasło',
		subtitle: 'Wpisz nowe hasło dwukrotnie.',
		password: 'Nowe hasło',
		repeat: 'Powtórz nowe hasło',
		policyTitle: 'Hasło musi mieć:',
		policy: {
			length: 'co najmniej 12 znaków',
			upper: 'wielką literę',
			lower: 'małą literę',
			digit: 'cyfrę',
			special: 'znak specjalny (np. ! @ # %)',
		},
		policyMet: 'spełnione',
		policyUnmet: 'niespełnione',
		policyError: 'Hasło nie spełnia wymagań podanych poniżej',
		mismatch: 'Hasła nie są identyczne',
		submit: 'Ustaw hasło',
		submitting: 'Zapisywanie…',
		success: 'Hasło zostało ustawione. Zaloguj się nowym hasłem.',
		missingToken: 'Link do ustawienia hasła jest niepełny. Otwórz go ponownie z wiadomości e-mail albo poproś o nowy.',
		invalidToken: 'Link do ustawienia hasła jest nieprawidłowy lub wygasł. Poproś o nowy.',
		requestNew: 'Poproś o nowy link',
		back: 'Powrót do logowania',
	},
	modal: {
		// The accessible name of every dialog's × button. Kept in English on
		// purpose: the reference acceptance test (frontend.md §14.1, "must pass
		// as-is") clicks the button named exactly "Close dialog".
		close: 'Close dialog',
	},
	toast: {
		region: 'Powiadomienia',
		dismiss: 'Zamknij powiadomienie',
	},
	table: {
		loading: 'Ładowanie…',
		empty: 'Brak danych do wyświetlenia.',
	},
	errors: {
		unexpected: 'Wystąpił nieoczekiwany błąd. Spróbuj ponownie.',
		network: 'Brak połączenia z serwerem. Sprawdź połączenie i spróbuj ponownie.',
		status: 'Żądanie nie powiodło się (kod {status}).',
	},
	// Consents (issue 10): templates admin, archive, lead timeline.
	consents: {
		yes: 'Tak',
		no: 'Nie',
		versionN: 'wersja {n}',
		given: 'Udzielona',
		refused: 'Odmowa',
		withdrawnAt: 'Wycofana {date}',
		awaitingClient: 'Wymaga potwierdzenia klienta',
		recordedBy: 'zarejestrował(a): {name}',
		partner: 'partner: {name}',
		notes: 'Notatka z rozmowy',
		showContent: 'Pokaż treść',
		hideContent: 'Ukryj treść',
		withdraw: 'Wycofaj zgodę',
		withdrawing: 'Wycofywanie…',
		withdrawTitle: 'Wycofanie zgody',
		withdrawMessage: 'Czy na pewno zarejestrować wycofanie zgody „{title}”? Tej operacji nie można cofnąć.',
		withdrawn: 'Zgoda została wycofana.',
		withdrawFailed: 'Nie udało się wycofać zgody.',
		channelLabel: 'Jak klient zgłosił wycofanie',
		channelStaff: 'Zgłoszenie do pracownika',
		timelineTitle: 'Historia zgód',
		timelineEmpty: 'Brak zarejestrowanych zgód.',
		type: {
			PARTNER_DECLARATION: 'Oświadczenie partnera',
			MARKETING: 'Marketing',
			FINANCIAL_PARTNERS: 'Partnerzy finansowi',
			VEHICLE_PARTNERS: 'Partnerzy motoryzacyjni',
			PHONE_CONTACT: 'Kontakt telefoniczny',
		},
		method: {
			ONLINE_FORM: 'Formularz online',
			PHONE_CALL: 'Rozmowa telefoniczna',
			PARTNER_SUBMISSION: 'Zgłoszenie partnera',
		},
		form: {
			financing_application: 'Wniosek o finansowanie',
			lead_creation: 'Tworzenie leada',
			onboarding_insurance: 'Onboarding ubezpieczeniowy',
		},
		channel: {
			PHONE: 'Telefonicznie',
			EMAIL: 'E-mailem',
			IN_PERSON: 'Osobiście',
			LETTER: 'Listownie',
		},
		tpl: {
			pageTitle: 'Szablony zgód',
			subtitle: 'Treści zgód RODO w wersjach. Edycja treści tworzy nową wersję; szablonów się nie usuwa, tylko dezaktywuje.',
			add: 'Dodaj szablon',
			caption: 'Szablony zgód',
			loading: 'Ładowanie szablonów…',
			empty: 'Brak szablonów dla tego formularza.',
			loadFailed: 'Nie udało się wczytać szablonów.',
			formType: 'Formularz',
			type: 'Rodzaj zgody',
			title: 'Tytuł',
			content: 'Treść (HTML)',
			contentHint: 'Dozwolone znaczniki: p, br, strong, b, em, i, u, ul, ol, li, h3, h4, blockquote i a (tylko adresy https, http i mailto). Pozostałe zostaną usunięte przy zapisie.',
			preview: 'Podgląd treści',
			helpText: 'Tekst pomocy',
			tags: 'Etykiety',
			tagsHint: 'Oddzielone przecinkami.',
			required: 'Zgoda wymagana',
			active: 'Aktywny',
			create: 'Utwórz szablon',
			save: 'Zapisz',
			saving: 'Zapisywanie…',
			createTitle: 'Nowy szablon zgody',
			editTitle: 'Edycja: {title} (wersja {n})',
			versionHint: 'Zmiana tytułu, treści, tekstu pomocy lub wymagalności zapisze nową wersję szablonu, a obecna zostanie zamknięta. Zarejestrowane zgody zachowują wersję, którą klient widział.',
			created: 'Utworzono szablon (wersja {n}).',
			versioned: 'Zapisano nową wersję {n} szablonu.',
			updated: 'Zapisano zmiany szablonu.',
			deactivated: 'Szablon został dezaktywowany.',
			edit: 'Edytuj',
			editNamed: 'Edytuj {title} (wersja {n})',
			history: 'Wersje',
			historyNamed: 'Wersje i porównanie: {title} (wersja {n})',
			deactivate: 'Dezaktywuj',
			deactivateNamed: 'Dezaktywuj {title} (wersja {n})',
			deactivateTitle: 'Dezaktywacja szablonu',
			deactivateMessage: 'Szablon „{title}” (wersja {n}) przestanie być oferowany. Zarejestrowane zgody pozostaną bez zmian.',
			errors: {
				title: 'Podaj tytuł.',
				content: 'Podaj treść zgody.',
			},
			state: {
				active: 'Aktywny',
				inactive: 'Nieaktywny',
				closed: 'Zastąpiony',
			},
			col: {
				title: 'Tytuł',
				version: 'Wersja',
				state: 'Stan',
				required: 'Wymagana',
				validFrom: 'Obowiązuje od',
				actions: 'Akcje',
			},
		},
		diff: {
			title: 'Wersje: {title}',
			label: 'Różnice między wersjami',
			from: 'Porównaj wersję',
			to: 'z wersją',
			valid: 'obowiązuje {from} – {to}',
			open: 'nadal',
			records: 'zgód: {n}',
			single: 'To jedyna wersja tego szablonu.',
			stats: 'Dodane wiersze: {insert}, usunięte wiersze: {delete}',
			titleChanged: 'tytuł: „{from}” → „{to}”',
			requiredChanged: 'zmieniono wymagalność',
			helpChanged: 'zmieniono tekst pomocy',
			op: {
				equal: 'bez zmian',
				insert: 'dodano',
				delete: 'usunięto',
			},
		},
		archive: {
			title: 'Archiwum zgód',
			subtitle: 'Wszystkie zarejestrowane zgody leadów, do których masz dostęp.',
			caption: 'Zarejestrowane zgody',
			loading: 'Ładowanie zgód…',
			empty: 'Brak zgód spełniających kryteria.',
			loadFailed: 'Nie udało się wczytać archiwum zgód.',
			filters: 'Filtry archiwum',
			search: 'Klient',
			searchPlaceholder: 'Imię, nazwisko, e-mail lub telefon',
			type: 'Rodzaj',
			method: 'Sposób',
			given: 'Decyzja',
			all: 'Wszystkie',
			from: 'Od dnia',
			to: 'Do dnia',
			sort: 'Sortuj według',
			sortRecordedAt: 'Data rejestracji',
			sortType: 'Rodzaj zgody',
			sortClient: 'Nazwisko klienta',
			order: 'Kolejność',
			desc: 'Malejąco',
			asc: 'Rosnąco',
			total: 'Zgód: {n}',
			exportCsv: 'Eksport CSV',
			exportJson: 'Eksport JSON',
			exported: 'Pobrano plik {name}.',
			exportFailed: 'Eksport nie powiódł się.',
			recordTitle: '{title} (wersja {n})',
			snapshot: 'Treść, którą widział klient',
			ip: 'Adres IP',
			userAgent: 'Przeglądarka',
			col: {
				recordedAt: 'Data',
				client: 'Klient',
				consent: 'Zgoda',
				given: 'Decyzja',
				method: 'Sposób',
				recordedBy: 'Zarejestrował(a)',
				partner: 'Partner',
				withdrawn: 'Wycofana',
			},
		},
	},
	// Issue 13: pipeline board, bulk actions, saved views, keyboard shortcuts.
	board: {
		title: 'Tablica leadów',
		subtitle: 'Przeciągnij kartę do innej kolumny albo zaznacz ją i naciśnij Shift+→ / Shift+←',
		open: 'Tablica',
		toList: 'Lista',
		hint: 'Skróty: ? — lista skrótów, Ctrl+K — paleta poleceń',
		today: 'dziś',
		oneDay: '1 dzień',
		days: '{n} dni',
		more: 'Pokaż więcej ({n})',
		cardLabel: '{name}, {status}',
		select: 'Zaznacz: {name}',
		moveTitle: 'Zmiana statusu na „{label}”',
		moveText: '{name}: {from} → {to}',
		confirmMove: 'Zmień status',
		confirmOverride: 'Zmień mimo to (nadpisanie)',
		loadFailed: 'Nie udało się wczytać tablicy.',
		moveFailed: 'Nie udało się zmienić statusu.',
	},
	bulk: {
		label: 'Akcje grupowe',
		selected: 'Zaznaczone: {n}',
		action: 'Akcja',
		choose: 'Wybierz akcję…',
		assign: 'Przypisz',
		assignee: 'Opiekun',
		unassign: 'Bez opiekuna',
		toMe: 'do mnie',
		status: 'Zmień status',
		chooseStatus: 'Nowy status…',
		reason: 'Powód',
		chooseReason: 'Powód…',
		notes: 'Notatka (dla wszystkich)',
		export: 'Eksportuj do CSV',
		run: 'Wykonaj',
		running: 'Wykonywanie…',
		clear: 'Wyczyść zaznaczenie',
		done: 'Zmieniono: {updated}, niepowodzenia: {failed}',
		exported: 'Plik CSV został pobrany.',
		failed: 'Akcja grupowa nie powiodła się.',
		failedList: 'Nie zmieniono ({n}):',
		selectPage: 'Zaznacz wszystkie na stronie',
		selectRow: 'Zaznacz: {name}',
		selectAll: 'Zaznacz wszystkie pasujące do filtrów ({n})',
		allSelected: 'Zaznaczono wszystkie pasujące do filtrów ({n}).',
	},
	views: {
		title: 'Zapisane widoki',
		save: 'Zapisz widok',
		saveTitle: 'Zapisz widok listy',
		name: 'Nazwa widoku',
		shared: 'Udostępnij zespołowi',
		saved: 'Zapisano widok „{name}”.',
		by: 'udostępnia: {name}',
		delete: 'Usuń widok {name}',
		deleteFailed: 'Nie udało się usunąć widoku.',
	},
	// Issue 14: the export of the lead list (components/export-menu.js) and the bulk XLSX.
	exportMenu: {
		open: 'Eksportuj',
		busy: 'Eksportowanie…',
		csv: 'CSV (Excel, LibreOffice)',
		xlsx: 'XLSX (arkusz Excel)',
		done: 'Plik {format} został pobrany.',
		failed: 'Eksport nie powiódł się.',
		bulkXlsx: 'Eksportuj do XLSX',
		view: 'Eksportuj widok {name} do CSV',
	},
	shortcuts: {
		sheet: 'Skróty klawiszowe',
		palette: 'Paleta poleceń',
		paletteHint: 'Szukaj leada (imię, telefon, e-mail) lub polecenia…',
		action: 'Polecenie',
		search: 'Szukaj na liście',
		next: 'Następny lead',
		previous: 'Poprzedni lead',
		newLead: 'Nowy lead',
		list: 'Lista leadów',
		board: 'Tablica leadów',
		move: 'Przenieś kartę do następnej / poprzedniej kolumny',
	},
	// The client's application form (/client-form#token, /thank-you; issue 10).
	clientForm: {
		title: 'Wniosek o finansowanie',
		subtitle: 'Wypełnij poniższy formularz, aby złożyć wniosek. Możesz zapisać postęp i wrócić w dowolnym momencie.',
		loading: 'Ładowanie...',
		pinTitle: 'Podaj kod dostępu',
		pinText: 'Formularz został zabezpieczony kodem dostępu. Wprowadź kod z wiadomości, aby kontynuować.',
		pinLabel: 'Kod dostępu',
		pinButton: 'Odblokuj',
		pinBusy: 'Sprawdzam…',
		pinLength: 'Kod musi mieć 4 cyfry',
		tooMany: 'Zbyt wiele nieudanych prób. Spróbuj ponownie za {minutes} min.',
		consentsTitle: 'Zgody RODO',
		consentsLoading: 'Ładuję zgody…',
		required: ' (wymagana)',
		saveConsents: 'Zapisz zgody',
		savingConsents: 'Zapisuję…',
		consentsSaved: 'Zgody zostały zapisane. Przechodzę do formularza...',
		step: 'Krok {n} z 6',
		saving: 'Zapisywanie...',
		saved: 'Zapisano.',
		saveError: 'Błąd zapisu.',
		back: 'Wstecz',
		next: 'Dalej',
		submit: 'Wyślij wniosek',
		submitting: 'Wysyłam…',
		fixAll: 'Proszę uzupełnić wszystkie wymagane pola i zgody.',
		requiredField: 'To pole jest wymagane',
		summary: 'Podsumowanie danych',
		summaryText: 'Proszę zweryfikować poprawność wprowadzonych danych przed wysłaniem wniosku.',
		submittedAt: 'Wniosek został wysłany: {date}',
		close: 'Zamknij',
		expiredTitle: 'Link wygasł',
		expiredText: 'Link do wniosku wygasł lub został cofnięty. Skontaktuj się z doradcą, aby uzyskać nowy dostęp.',
		outdatedTitle: 'Wersja formularza nieaktualna',
		outdatedText: 'Odśwież stronę – pojawiła się nowsza wersja zgód, którą musisz zaakceptować.',
		missingTitle: 'Brakuje wymaganych zgód',
		missingText: 'Zaznacz wszystkie zgody oznaczone jako wymagane, aby przejść dalej.',
		noLinkTitle: 'Brak danych',
		noLinkText: 'Link do formularza jest niekompletny.',
		errorTitle: 'Błąd',
		thanksTitle: 'Dziękujemy!',
		thanksText: 'Twój wniosek został pomyślnie wysłany. Nasz konsultant skontaktuje się z Tobą wkrótce, aby omówić kolejne kroki.',
		stepNames: { 1: 'Dane osobowe', 2: 'Dokument tożsamości', 3: 'Adresy', 4: 'Zatrudnienie', 5: 'Budżet', 6: 'Zgody i podsumowanie' },
		choose: 'Wybierz...',
		yes: 'Tak',
		no: 'Nie',
		income: 'Dochód netto: {v} PLN',
		expenses: 'Suma wydatków: {v} PLN',
		capacity: 'Zdolność kredytowa (informacyjnie): {v} PLN',
		fields: {
			pesel: 'PESEL', gender: 'Płeć', firstName: 'Imię', lastName: 'Nazwisko', mobilePhone: 'Telefon komórkowy',
			email: 'E-mail', birthDate: 'Data urodzenia', birthPlace: 'Miejsce urodzenia', countryOfBirth: 'Kraj urodzenia',
			nationality: 'Narodowość', citizenship: 'Obywatelstwo', secondCitizenship: 'Drugie obywatelstwo (opcjonalnie)',
			maidenName: 'Nazwisko rodowe', mothersMaidenName: 'Nazwisko panieńskie matki', maritalStatus: 'Stan cywilny',
			childrenCount: 'Liczba dzieci', isTaxResident: 'Jestem rezydentem podatkowym',
			documentType: 'Rodzaj dokumentu', documentNumber: 'Numer dokumentu', issueDate: 'Data wydania',
			expiryDate: 'Data ważności', education: 'Wykształcenie',
			registeredStreet: 'Ulica, nr budynku/mieszkania', registeredPostalCode: 'Kod pocztowy', registeredCity: 'Miejscowość',
			registeredPostOffice: 'Poczta', isResidentialSameAsRegistered: 'Adres zamieszkania taki sam jak zameldowania',
			residentialCountry: 'Kraj zamieszkania', residentialStreet: 'Ulica zamieszkania, nr budynku/mieszkania',
			residentialPostalCode: 'Kod pocztowy zamieszkania', residentialCity: 'Miejscowość zamieszkania',
			residentialPostOffice: 'Poczta zamieszkania', propertyType: 'Typ lokalu', ownershipType: 'Rodzaj własności',
			addressFrom: 'Adres od (RRRR-MM)',
			incomeSource: 'Źródło dochodów', employmentSince: 'Zatrudnienie od (RRRR-MM)', profession: 'Zawód',
			position: 'Stanowisko', employmentSector: 'Sektor zatrudnienia', totalWorkExperience: 'Całkowity staż pracy',
			workplaceType: 'Rodzaj zakładu pracy', employerName: 'Nazwa pracodawcy', employerPhone: 'Telefon pracodawcy',
			employerStreet: 'Ulica pracodawcy, nr budynku', employerPostalCode: 'Kod pocztowy pracodawcy',
			employerCity: 'Miejscowość pracodawcy', employerPostOffice: 'Poczta pracodawcy',
			employerNip: 'NIP pracodawcy (opcjonalnie)', employerRegon: 'REGON pracodawcy (opcjonalnie)',
			mainIncome: 'Główne dochody (netto)', otherIncome: 'Inne dochody (opcjonalnie)', housingFees: 'Opłaty za mieszkanie',
			otherLivingCosts: 'Pozostałe koszty życia', loanInstallments: 'Kwota rat kredytów',
			cardLimits: 'Kwota limitów kart/kredytów', otherFinancialLiabilities: 'Inne obciążenia finansowe',
		},
		options: {
			single: 'Panna / Kawaler', married: 'Żonaty / Mężatka', divorced: 'Rozwiedziony / Rozwiedziona', widowed: 'Wdowiec / Wdowa',
			id_card: 'Dowód osobisty', passport: 'Paszport',
			primary: 'Podstawowe', secondary: 'Średnie', higher: 'Wyższe', postgraduate: 'Podyplomowe',
		},
	},
	// API messages the backend sends in English (spec/api.md, reference
	// compatible), shown in Polish. Messages not listed are shown as sent
	// (many API messages are Polish already).
	apiMessages: {
		'Invalid credentials': 'Nieprawidłowy e-mail lub hasło',
		'User is not active': 'Konto jest nieaktywne',
		'Validation failed': 'Popraw zaznaczone pola.',
		'Missing authorization header': 'Sesja wygasła. Zaloguj się ponownie.',
		'Invalid or expired token': 'Sesja wygasła. Zaloguj się ponownie.',
		'Forbidden': 'Brak uprawnień do tej operacji.',
		'Not found': 'Nie znaleziono.',
		'Internal server error': 'Błąd serwera. Spróbuj ponownie później.',
		'Too many requests': 'Zbyt wiele prób. Spróbuj ponownie później.',
		'Lead not found': 'Nie znaleziono leada.',
		'Access denied': 'Brak dostępu do tego leada.',
		'Lead already anonymized': 'Dane tego leada zostały już zanonimizowane.',
		'Lead already in requested status': 'Lead ma już wybrany status.',
		'Status transition not allowed': 'Ta zmiana statusu jest niedozwolona.',
		'A view with this name already exists': 'Masz już widok o tej nazwie.',
		'Only the owner can change this view': 'Tylko autor może zmienić ten widok.',
		'View not found': 'Nie znaleziono widoku.',
		'Too many leads selected (at most 1000 per action)': 'Zaznaczono zbyt wiele leadów (najwyżej 1000 naraz).',
		'partnerId is required': 'Wybierz partnera.',
		'User not found': 'Nie znaleziono użytkownika.',
		'Partner not found': 'Nie znaleziono partnera.',
		'Partner not assigned': 'Konto nie jest przypisane do partnera.',
		'Email already in use': 'Ten adres e-mail jest już używany.',
		'Only admins can manage admin and supervisor accounts': 'Tylko administrator może zarządzać kontami administratorów i kierowników.',
		'Only admins can create admin accounts': 'Tylko administrator może tworzyć konta administratorów.',
		'Only admins can escalate accounts to admin role': 'Tylko administrator może nadać rolę administratora.',
		'You cannot change your own role': 'Nie możesz zmienić własnej roli.',
		'Cannot remove the last active admin': 'Nie można odebrać uprawnień ostatniemu aktywnemu administratorowi.',
		'Only operators can be assigned to leads': 'Lead można przypisać tylko operatorowi.',
		'Cannot assign lead to another user': 'Operator może przypisać lead tylko do siebie.',
		'Cannot unassign lead': 'Nie możesz zdjąć przypisania z tego leada.',
		'Unassign is only allowed when returning to NEW': 'Zdjęcie przypisania jest możliwe tylko przy powrocie do statusu „Nowy”.',
		'Related record not found': 'Nie znaleziono powiązanego rekordu.',
		'Financing application not found': 'Nie znaleziono wniosku o finansowanie.',
		'Lead or customer email not found': 'Lead nie ma adresu e-mail klienta.',
		'Message is required': 'Wpisz treść wiadomości.',
		'Not implemented': 'Ta funkcja nie jest jeszcze dostępna.',
		'Anonymized leads cannot be merged': 'Nie można scalać zanonimizowanych leadów.',
		'Cannot assign and unassign at once': 'Nie można jednocześnie przypisać i zdjąć przypisania.',
		'Cannot merge a lead into itself': 'Nie można scalić leada z nim samym.',
		'Lead already merged': 'Ten lead został już scalony.',
		'Target lead already merged': 'Lead docelowy został już scalony z innym leadem.',
		'File is required': 'Wybierz plik do załączenia.',
		'File too large': 'Plik jest za duży.',
		'Document not found': 'Nie znaleziono dokumentu.',
		'Unexpected end of form': 'Przesyłanie pliku zostało przerwane. Spróbuj ponownie.',
		'Malformed multipart body': 'Nieprawidłowy formularz wysyłania pliku.',
		'Lead is anonymized': 'Dane tego leada zostały zanonimizowane i nie można ich edytować.',
		'Notes are required for reason OTHER': 'Dla powodu „Inny” podaj uzasadnienie.',
		'Notes are required to override the transition table': 'Nadpisanie zalecanej ścieżki wymaga uzasadnienia.',
		'Reason is required for this status': 'Ten status wymaga wybrania powodu.',
		'Status MERGED is set only by merging leads': 'Status „Scalony” ustawia się tylko przez scalenie leadów.',
		'Partner is required for partner roles': 'Użytkownik z rolą partnera musi mieć przypisanego partnera.',
		'You cannot deactivate your own account': 'Nie możesz dezaktywować własnego konta.',
		'Duplicate key': 'Taki rekord już istnieje.',
		'Service unavailable': 'Usługa jest chwilowo niedostępna. Spróbuj ponownie później.',
		'Message is required': 'Wpisz treść wiadomości.',
		'Lead or customer email not found': 'Klient nie ma adresu e-mail.',
		'Consent template not found': 'Nie znaleziono szablonu zgody.',
		'Template version already exists': 'Taka wersja szablonu już istnieje.',
		'Template version not found': 'Nie znaleziono tej wersji szablonu.',
		'Only the current version of a template can be edited': 'Edytować można tylko aktualną wersję szablonu.',
		'Consent record not found': 'Nie znaleziono zgody.',
		'Consent has already been withdrawn': 'Ta zgoda została już wycofana.',
		'Operators can only withdraw partner declaration consents': 'Operator może wycofać tylko oświadczenie partnera.',
		'Consent template missing or inactive': 'Szablon zgody nie istnieje lub jest nieaktywny.',
		// Issue 13: the status change's "nextContact".
		'Must be in the future': 'Termin musi być w przyszłości.',
	},
	// Field-level messages for validation issues (spec/api.md §2.6), by code.
	issues: {
		required: 'To pole jest wymagane',
		email: 'Nieprawidłowy adres e-mail',
		url: 'Nieprawidłowy adres URL',
		tooShort: 'Wymagane co najmniej {n} znaków',
		tooLong: 'Dozwolone najwyżej {n} znaków',
		tooSmall: 'Wartość musi być nie mniejsza niż {n}',
		tooBig: 'Wartość musi być nie większa niż {n}',
		invalid: 'Nieprawidłowa wartość',
		date: 'Nieprawidłowa data',
	},
	// frontend.md §8.8: the client's insurance onboarding landing page (www/js/onboarding/).
	onboardingPage: {
		title: 'Znajdziemy Ci nowe auto',
		logo: 'Carsalon',
		loading: 'Weryfikujemy Twój link…',
		noToken: 'Brak tokenu w linku. Sprawdź link otrzymany w wiadomości.',
		invalid: 'Link wygasł lub jest nieprawidłowy. Skontaktuj się z doradcą, aby uzyskać nowy link.',
		failed: 'Wystąpił błąd. Spróbuj odświeżyć stronę lub skontaktuj się z nami.',
		tooMany: 'Zbyt wiele prób. Spróbuj ponownie później.',
		hello: 'Cześć {name}! ',
		intro: 'Ponieważ jesteś w trakcie procesu likwidacji szkody Twojego samochodu, przesłano nam Twoje dane, abyśmy mogli pomóc Ci znaleźć nowe auto. Wybierz termin, w którym możemy się z Tobą skontaktować.',
		stepSlot: 'Termin',
		stepConsents: 'Zgody',
		steps: 'Kroki',
		chooseDay: 'Wybierz dzień',
		chooseHour: 'Wybierz godzinę – {day}',
		noDays: 'Brak wolnych terminów. Skontaktuj się z nami.',
		next: 'Dalej →',
		saving: 'Zapisuję…',
		slotExpired: 'Twój link wygasł. Poproś o nowy link.',
		slotFailed: 'Nie udało się zapisać terminu. Spróbuj ponownie.',
		consentsTitle: 'Wymagane zgody',
		consentsHint: 'Aby nasi doradcy mogli się z Tobą skontaktować i pomóc znaleźć nowe auto, prosimy o wyrażenie poniższych zgód.',
		consentsLoadFailed: 'Nie udało się załadować zgód. Odśwież stronę.',
		required: ' *wymagana',
		showText: 'Pokaż treść',
		hideText: 'Ukryj treść',
		submit: 'Zatwierdź i wyślij',
		consentsFailed: 'Nie udało się zapisać zgód. Spróbuj ponownie.',
		consentsMissing: 'Zaznacz wszystkie wymagane zgody.',
		done: 'Gotowe!',
		doneSlot: 'Nasz doradca skontaktuje się z Tobą {day} w godzinach {slot}.',
		doneSoon: 'Nasz doradca skontaktuje się z Tobą wkrótce.',
		doneHint: 'Na Twój adres email wyślemy potwierdzenie.',
	},
	// frontend.md §7.4.4: the insurance onboarding box on the lead detail.
	leadOnboarding: {
		title: '🔗 Insurance Onboarding',
		loading: 'Ładowanie…',
		send: '📤 Wyślij onboarding',
		resend: '↺ Wyślij ponownie',
		sending: 'Wysyłam…',
		confirm: 'Czy na pewno chcesz wysłać onboarding insurance do tego leada? Zostanie wysłany SMS i email.',
		sent: 'Onboarding wysłany!',
		failed: 'Błąd podczas wysyłania. Spróbuj ponownie.',
		none: 'Onboarding nie został jeszcze wysłany.',
		sms: 'SMS',
		email: 'Email',
		link: 'Link',
		slot: 'Termin',
		consents: 'Zgody',
		chosenSlot: 'Wybrany termin',
		expires: 'Link ważny do',
		log: 'Wiadomości',
		channel: 'Kanał',
		status: 'Status',
		recipient: 'Odbiorca',
		error: 'Błąd',
		noLog: 'Brak wiadomości.',
	},
	leadAppForm: {
		title: 'Formularz wniosku klienta',
		loading: 'Ładowanie…',
		none: 'Link do formularza nie został jeszcze wygenerowany.',
		refresh: 'Odśwież',
		generate: 'Wygeneruj link',
		regenerate: 'Wygeneruj nowy link',
		regenerateWarning: 'Nowy link unieważni poprzedni: stary link i otwarte sesje klienta przestaną działać.',
		channels: 'Wyślij link',
		byEmail: 'E-mailem',
		bySms: 'SMS-em',
		noEmail: 'brak adresu e-mail',
		noPhone: 'brak numeru telefonu',
		noChannel: 'Wybierz co najmniej jeden kanał.',
		pin: 'Kod dostępu (PIN)',
		pinDefault: 'Domyślnie kodem dostępu są 4 ostatnie cyfry numeru telefonu klienta — wiadomość z linkiem to wyjaśnia, ale samego kodu nie zawiera.',
		explicit: 'Ustal własny kod dostępu',
		code: 'Kod dostępu',
		codeHint: 'Link pójdzie e-mailem, a kod osobno SMS-em (bez telefonu kod przekażesz klientowi sam).',
		codeShort: 'Kod musi mieć co najmniej 4 znaki.',
		days: 'Ważność linku (dni)',
		send: 'Wyślij link',
		sending: 'Wysyłam…',
		sent: 'Link do formularza wysłany.',
		sentUntil: 'Link wysłany, ważny do {date}.',
		sentDefault: 'Kod dostępu: 4 ostatnie cyfry telefonu klienta.',
		sentCode: 'Kod dostępu wysłano osobnym kanałem.',
		failed: 'Operacja nie powiodła się. Spróbuj ponownie.',
		unlock: 'Odblokuj formularz',
		unlockInfo: 'Klient dostanie nowy link (stary przestanie działać) i będzie musiał ponownie wyrazić zgody.',
		unlocked: 'Formularz odblokowany, nowy link wysłany.',
		reason: 'Powód',
		clientActive: 'Klient aktywny',
		progress: 'Postęp',
		stepOf: 'Krok {step} z 6 ({percent}%)',
		lastAutoSave: 'Ostatni autozapis',
		lastActivity: 'Ostatnia aktywność klienta',
		submitted: 'Przesłano przez klienta',
		linkGenerated: 'Link wygenerowano',
		linkExpires: 'Link ważny do',
		expired: 'wygasł',
		attempts: 'Błędne kody PIN',
		attemptsText: '{failed} od wygenerowania linku, blokady: {lockouts}',
		lockedOut: 'Blokada prób',
		lockedNow: 'Zablokowane (15 min)',
		notLocked: 'Brak',
		history: 'Historia dostępu i odblokowań',
		noHistory: 'Brak wpisów.',
		h: {
			when: 'Kiedy',
			event: 'Zdarzenie',
			ip: 'Adres IP',
			attempt: 'Próba kodu',
			ok: 'poprawny kod',
			revoked: 'Link unieważniony',
			tooMany: 'Trzy blokady po błędnych kodach',
			unlocked: 'Odblokowano',
		},
		outcome: {
			INVALID_CODE: 'błędny kod',
			TOO_MANY_ATTEMPTS: 'odrzucona (blokada)',
			LINK_EXPIRED: 'link wygasł',
			FORM_LOCKED: 'formularz zablokowany',
		},
	},
	roundRobin: {
		open: 'Rotacja',
		openNamed: 'Automatyczny przydział leadów: {name}',
		title: 'Automatyczny przydział leadów — {name}',
		loading: 'Wczytywanie zespołu…',
		loadFailed: 'Nie udało się wczytać ustawień rotacji.',
		enabled: 'Przydzielaj nowe leady po kolei (round-robin)',
		enabledHint: 'Nowe leady partnera trafiają do kolejnego aktywnego, obecnego operatora zgodnie z wagami.',
		team: 'Zespół i wagi',
		noOperators: 'Ten partner nie ma jeszcze operatorów.',
		weightOf: 'Waga: {name}',
		available: 'Dostępny — otrzymuje leady',
		inactive: 'Nieaktywny — nie otrzymuje leadów',
		excluded: 'Waga 0 — poza rotacją',
		absent: 'Nieobecny ({from} – {until}) — nie otrzymuje leadów',
		save: 'Zapisz rotację',
		saving: 'Zapisywanie…',
		savedOn: 'Rotacja partnera {name} włączona.',
		savedOff: 'Rotacja partnera {name} wyłączona.',
		errors: { weight: 'Podaj wagę od 0 do 100.' },
	},
	absence: {
		mine: 'Moja nieobecność',
		open: 'Nieobecność',
		openNamed: 'Nieobecność: {name}',
		title: 'Nieobecność — {name}',
		hint: 'W dniach nieobecności (włącznie) nie otrzymujesz nowych leadów z automatycznego przydziału. Puste pole oznacza brak ograniczenia z tej strony.',
		from: 'Nieobecny od',
		until: 'Nieobecny do',
		clear: 'Wyczyść daty',
		save: 'Zapisz',
		saving: 'Zapisywanie…',
		saved: 'Nieobecność zapisana.',
		loadFailed: 'Nie udało się wczytać nieobecności.',
		errors: { order: 'Data końcowa nie może być wcześniejsza niż początkowa.' },
	},
	tasks: {
		title: 'Zadania',
		loading: 'Ładowanie…',
		empty: 'Brak zadań.',
		due: 'Termin',
		description: 'Co zrobić',
		add: 'Dodaj zadanie',
		complete: 'Zakończ',
		overdue: 'zaległe',
		unassigned: 'bez przypisania',
		nextContact: 'Następny kontakt',
		nextContactLabel: 'Następny kontakt (zadanie)',
		bell: 'Zadania: {count}, zaległe: {overdue}',
		bellTitle: 'Zadania na dziś i zaległe',
		noneDue: 'Nic na dziś.',
		overdueByUser: 'Zaległe według osób',
		status: { OPEN: 'Otwarte', COMPLETED: 'Zakończone', CANCELLED: 'Anulowane' },
		errors: {
			required: 'Podaj termin i opis zadania.',
			failed: 'Nie udało się zapisać zadania.',
			past: 'Termin następnego kontaktu musi być w przyszłości.',
		},
	},
	// Issue 14: partner API keys (www/js/screens/api-keys.js).
	apiKeys: {
		title: 'Klucze API',
		subtitle: 'Klucze, którymi system partnera dodaje i odczytuje leady przez API.',
		intro: 'Klucz wysyłany jest w nagłówku „Authorization: Bearer izk_…”. Każde użycie jest rejestrowane.',
		docs: 'Opis API (OpenAPI)',
		noPartner: 'Konto nie jest przypisane do partnera.',
		caption: 'Klucze API',
		loading: 'Ładowanie kluczy…',
		empty: 'Brak kluczy API.',
		loadFailed: 'Nie udało się wczytać kluczy API.',
		createTitle: 'Nowy klucz API',
		name: 'Nazwa klucza',
		expiresAt: 'Ważny do (opcjonalnie)',
		expiresHint: 'Puste pole: klucz bez daty ważności.',
		scopes: 'Uprawnienia',
		scope: { leads_create: 'Dodawanie leadów', leads_read: 'Odczyt własnych leadów' },
		create: 'Utwórz klucz',
		creating: 'Tworzenie…',
		shownOnce: 'Skopiuj klucz teraz — nie będzie już więcej pokazany.',
		copy: 'Kopiuj klucz',
		copied: 'Skopiowano',
		copyFailed: 'Nie udało się skopiować klucza.',
		done: 'Gotowe',
		never: 'bezterminowo',
		unused: 'nieużywany',
		col: { name: 'Nazwa i prefiks', scopes: 'Uprawnienia', expiresAt: 'Ważny do', lastUsedAt: 'Ostatnie użycie', status: 'Status', actions: 'Akcje' },
		status: { active: 'Aktywny', expired: 'Wygasły', revoked: 'Unieważniony' },
		revoke: 'Unieważnij',
		revokeNamed: 'Unieważnij: {name}',
		revokeConfirm: 'Unieważnić klucz „{name}”? System partnera straci dostęp natychmiast.',
		revoked: 'Unieważniono klucz {name}.',
		revokeFailed: 'Nie udało się unieważnić klucza.',
		open: 'Klucze API',
		openNamed: 'Klucze API: {name}',
		errors: { name: 'Podaj nazwę klucza.', scopes: 'Wybierz co najmniej jedno uprawnienie.' },
	},
};

/** Looks a dotted key up in the catalogue, e.g. t('login.submit'). */
export function t(key, params) {
	let value = catalogue;
	for (const part of key.split('.')) {
		value = value == null ? undefined : value[part];
	}
	if (typeof value !== 'string') {
		// A missing key is a programming error; show the key so it is noticed.
		return key;
	}
	return params ? interpolate(value, params) : value;
}

function interpolate(text, params) {
	return text.replace(/\{(\w+)\}/g, (whole, name) =>
		Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
}

/**
 * A count with the Polish plural form of a catalogue entry holding
 * { one, few, many }: 1 lead, 2–4 (22–24…) leady, 5–21 (25…) leadów.
 */
export function tn(key, n) {
	let value = catalogue;
	for (const part of key.split('.')) value = value == null ? undefined : value[part];
	if (!value || typeof value !== 'object') return key;
	const abs = Math.abs(n);
	let form = 'many';
	if (abs === 1) form = 'one';
	else if (abs % 10 >= 2 && abs % 10 <= 4 && (abs % 100 < 12 || abs % 100 > 14)) form = 'few';
	return interpolate(value[form] || value.many, { n });
}

/** Polish label of a role value (raw value when unknown). */
export function roleLabel(role) {
	return catalogue.roles[role] || role || '';
}

/** Polish label of a user status value. */
export function userStatusLabel(status) {
	return catalogue.userStatus[status] || status || '';
}

/** The enumerations with a label and a badge tone: lead, form, onboarding. */
const statusSets = {
	lead: catalogue.leadStatus,
	form: catalogue.formStatus,
	onboarding: catalogue.onboardingStatus,
};

/** { label, tone } of a status of the given set; unknown values are shown raw. */
export function statusInfo(set, value) {
	const table = statusSets[set] || {};
	const key = typeof value === 'string' ? value.toUpperCase() : value;
	return table[key] || { label: value == null ? '' : String(value), tone: 'neutral' };
}

/** The lead statuses offered in selects, in order (INBOUND/MERGED excluded). */
export const LEAD_STATUS_OPTIONS = Object.keys(catalogue.leadStatus)
	.filter((s) => s !== 'INBOUND' && s !== 'MERGED');

/** A top-level API error message in Polish. */
export function apiMessage(message) {
	return catalogue.apiMessages[message] || message;
}

/** A field-level message for one validation issue of spec/api.md §2.6. */
export function issueMessage(issue) {
	const is = catalogue.issues;
	switch (issue.code) {
	case 'invalid_type':
		return issue.received === 'undefined' ? is.required : is.invalid;
	case 'too_small':
		if (issue.type === 'string') {
			return Number(issue.minimum) <= 1 ? is.required : interpolate(is.tooShort, { n: issue.minimum });
		}
		return issue.type === 'number' ? interpolate(is.tooSmall, { n: issue.minimum }) : is.invalid;
	case 'too_big':
		if (issue.type === 'string') return interpolate(is.tooLong, { n: issue.maximum });
		return issue.type === 'number' ? interpolate(is.tooBig, { n: issue.maximum }) : is.invalid;
	case 'invalid_string':
		if (issue.validation === 'email') return is.email;
		if (issue.validation === 'url') return is.url;
		// Regex checks carry a custom (Polish) text where the API defines one.
		return issue.message && issue.message !== 'Invalid' ? apiMessage(issue.message) : is.invalid;
	case 'invalid_date':
		return is.date;
	case 'invalid_enum_value':
		return is.invalid;
	default:
		return issue.message ? apiMessage(issue.message) : is.invalid;
	}
}

// ---------------------------------------------------------------------------
// Formatters. All output is deterministic: dates in Europe/Warsaw whatever the
// browser's zone, numbers grouped by hand rather than by the browser's locale
// data.

export const TIME_ZONE = 'Europe/Warsaw';

/** U+00A0, the separator between digit groups and before a unit. */
export const NBSP = '\u00a0';

const dateTimeParts = new Intl.DateTimeFormat('en-GB', {
	timeZone: TIME_ZONE,
	year: 'numeric', month: '2-digit', day: '2-digit',
	hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

function toDate(value) {
	if (value == null || value === '') return null;
	const date = value instanceof Date ? value : new Date(value);
	return Number.isNaN(date.getTime()) ? null : date;
}

function warsawParts(date) {
	const parts = {};
	for (const p of dateTimeParts.formatToParts(date)) parts[p.type] = p.value;
	return parts;
}

/** "DD.MM.YYYY HH:mm" in Europe/Warsaw; "—" for an empty or invalid value. */
export function formatDateTime(value) {
	const date = toDate(value);
	if (!date) return t('common.emptyValue');
	const p = warsawParts(date);
	return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
}

/** "DD.MM.YYYY" in Europe/Warsaw; "—" for an empty or invalid value. */
export function formatDate(value) {
	const date = toDate(value);
	if (!date) return t('common.emptyValue');
	const p = warsawParts(date);
	return `${p.day}.${p.month}.${p.year}`;
}

/**
 * A number in Polish notation: digit groups of three separated by U+00A0
 * (always, also for four-digit numbers, unlike pl-PL's CLDR rule), decimal
 * comma, exactly `decimals` fraction digits. Returns null for a non-number.
 */
export function formatNumber(value, decimals = 0) {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n)) return null;
	const fixed = new Intl.NumberFormat('en-US', {
		useGrouping: false, minimumFractionDigits: decimals, maximumFractionDigits: decimals,
	}).format(n);
	const negative = fixed.startsWith('-');
	const [int, frac] = (negative ? fixed.slice(1) : fixed).split('.');
	const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
	const sign = negative && /[1-9]/.test(fixed) ? '-' : '';
	return sign + grouped + (frac ? ',' + frac : '');
}

/** Money in PLN: "120 000,00 zł" (U+00A0 between groups and before "zł"). */
export function formatMoney(value) {
	const text = formatNumber(value, 2);
	return text == null ? t('common.emptyValue') : text + NBSP + 'zł';
}

/**
 * The national (9-digit) part of a Polish phone number typed or stored in any
 * form ("+48 123-456-789", "48123456789", "123456789"), or null.
 */
export function nationalPhoneDigits(value) {
	let digits = String(value == null ? '' : value).replace(/\D/g, '');
	if (digits.length > 9 && digits.startsWith('48')) digits = digits.slice(2);
	return digits.length === 9 ? digits : null;
}

/** "+48 123 456 789" for a Polish number; anything else is shown as stored. */
export function formatPhone(value) {
	if (value == null || value === '') return t('common.emptyValue');
	const digits = nationalPhoneDigits(value);
	if (!digits) return String(value);
	return `+48 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/** The value sent to the API for a phone: "+48123456789", or null. */
export function phoneForApi(value) {
	const digits = nationalPhoneDigits(value);
	return digits ? '+48' + digits : null;
}

/** { label, tone } of a lead's consentStatus (complete, incomplete, …). */
export function consentStatusInfo(value) {
	return catalogue.consentStatus[value] || { label: value == null ? '' : String(value), tone: 'neutral' };
}

/** Polish label of a partner status (raw value when unknown). */
export function partnerStatusLabel(status) {
	return catalogue.partnerStatus[status] || status || '';
}

/** Polish label of a financing decision (PENDING/APPROVED/REJECTED). */
export function decisionLabel(decision) {
	const key = typeof decision === 'string' ? decision.toUpperCase() : decision;
	return catalogue.decision[key] || decision || '';
}

/** Polish label of a status-change reason code; free text is shown as is. */
export function reasonLabel(reason) {
	return catalogue.statusReasons[reason] || reason || '';
}

/** Polish title of an audit-log action; unknown actions are shown raw. */
export function auditActionLabel(action) {
	return catalogue.lead.activity.actions[action] || action || '';
}

/** "Jan Kowalski", or null without a name. */
export function personName(profile) {
	if (!profile) return null;
	const name = [profile.firstName, profile.lastName].filter(Boolean).join(' ').trim();
	return name || null;
}
