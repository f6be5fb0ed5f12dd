package demo

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Name lists mix common Swedish names with names from the languages spoken in Swedish schools, so
// that sorting, PDFs and e-mail folding meet å, ä, ö and other Latin letters in the demo.

var girlNames = []string{
	"Alice", "Maja", "Elsa", "Astrid", "Vera", "Wilma", "Ella", "Saga", "Ebba", "Alma", "Olivia",
	"Agnes", "Freja", "Selma", "Stella", "Ida", "Clara", "Ellen", "Tyra", "Hedda", "Signe", "Märta",
	"Siri", "Zoë", "Linnéa", "Ronja", "Tuva", "Lovisa", "Elvira", "Juni", "Majken", "Sigrid", "Nora",
	"Amira", "Noor", "Zeynep", "Hanna", "Moa", "Julia", "Isolde", "Åsa", "Mai", "Zofia", "Leia",
}

var boyNames = []string{
	"William", "Liam", "Noah", "Hugo", "Lucas", "Oliver", "Oscar", "Elias", "Alexander", "Adam",
	"Vincent", "Nils", "Leo", "Axel", "Ludvig", "Theo", "Arvid", "Olle", "Melvin", "Love", "Gustav",
	"Viktor", "Isak", "Albin", "Måns", "Sixten", "Algot", "Folke", "Björn", "Jöns", "Ömer", "Łukasz",
	"Ali", "Yusuf", "Matteo", "Malte", "Sigge", "Ebbe", "Tore", "Anton", "Rasmus", "Minh", "Sölve",
	"Jonatan",
}

var womenNames = []string{
	"Anna", "Maria", "Karin", "Sara", "Emma", "Johanna", "Jenny", "Linda", "Malin", "Camilla",
	"Sofia", "Åsa", "Helena", "Therese", "Frida", "Jessica", "Agnieszka", "Fatma", "Leila", "Elif",
	"Hương", "Cecilia", "Lena", "Annelie", "Mirjam", "Ylva", "Petra", "Louise",
}

var menNames = []string{
	"Johan", "Mikael", "Daniel", "Andreas", "Fredrik", "Marcus", "Peter", "Jonas", "Magnus",
	"Niklas", "Mattias", "Henrik", "Björn", "Göran", "Piotr", "Mehmet", "Ahmad", "Tuấn", "Kristoffer",
	"Joakim", "Stefan", "Rikard", "Pär", "Ola", "Sören", "Emil",
}

var lastNames = []string{
	"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
	"Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson",
	"Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson", "Lindqvist", "Lindgren", "Berg",
	"Axelsson", "Bergström", "Lundberg", "Lundgren", "Lundqvist", "Mattsson", "Berglund",
	"Fredriksson", "Sandberg", "Henriksson", "Åberg", "Öberg", "Ek", "Sjöberg", "Wallin", "Engström",
	"Håkansson", "Nyström", "Åkesson", "Söderberg", "Sundström", "Löfgren", "Strömberg", "Holmström",
	"Hägglund", "Forsström", "Älvén", "Nguyễn", "Kowalski", "Yılmaz", "Hussein", "Mohamed", "Ahmadi",
	"Nowak", "Müller", "Đorđević", "Korhonen", "Mäkinen", "Öztürk", "García", "Ødegaard",
}

var streets = []string{
	"Storgatan", "Kyrkogatan", "Skolgatan", "Ängsvägen", "Björkvägen", "Lärkstigen", "Åsvägen",
	"Granvägen", "Tallbacken", "Solrosvägen", "Källgränd", "Smedjegatan", "Ekbacken", "Lindallén",
	"Rönnvägen", "Hagtornsgatan", "Sjövägen", "Mossvägen",
}

// foldASCII turns a name into the ASCII letters an e-mail local part can hold:
// "Łukasz Öztürk" → "lukasz.ozturk".
func foldASCII(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	folded = strings.NewReplacer("ł", "l", "Ł", "l", "đ", "d", "Đ", "d", "ø", "o", "Ø", "o",
		"ı", "i", "æ", "ae", "Æ", "ae", "ß", "ss").Replace(folded)
	var b strings.Builder
	for _, r := range strings.ToLower(folded) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('.')
		}
	}
	return b.String()
}
