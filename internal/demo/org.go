package demo

import "github.com/narvaro/narvaro/internal/narvaro"

// Everything here is fictional. Municipality codes 1999 and 1998 are not in use (real codes in
// Västmanland, län 19, stop at 1984 Arboga), and the school unit codes sit in a 9999xxxx range.
const (
	homeCode      = "1999"
	neighbourCode = "1998"
)

type huvudmanSpec struct {
	name, orgNumber, kind, prefix string
}

var huvudmen = []huvudmanSpec{
	{"Exempelkommun, barn- och utbildningsnämnden", "212000-9999", "municipal", "BUN"},
	{"Friskolan Gläntan AB", "559999-9990", "independent", "GLÄ"},
}

// schoolSpec is one school unit. parallel is the number of classes per grade.
type schoolSpec struct {
	key            string // suffix of the staff's usernames
	name, unitCode string
	huvudman       int
	minGrade       int
	maxGrade       int
	parallel       int
}

var schools = []schoolSpec{
	{"bjork", "Björkskolan F–6", "99990101", 0, 0, 6, 2},
	{"ek", "Ekskolan 7–9", "99990102", 0, 7, 9, 3},
	{"lind", "Lindskolan F–9", "99990103", 0, 0, 9, 1},
	{"asen", "Åsens skola 4–9", "99990104", 0, 4, 9, 1},
	{"glantan", "Gläntans friskola F–9", "99990201", 1, 0, 9, 1},
}

// staffSpec is one demo user. Admins have a huvudman and no schools; everybody else has schools.
type staffSpec struct {
	username, name, title string
	role                  narvaro.Role
	huvudman              int   // for admins
	schools               []int // indexes into schools
}

// staff is ordered the way the README lists the logins.
var staff = []staffSpec{
	{"admin", "Ulla Westerlund", "Utvecklingsstrateg, barn- och utbildningsförvaltningen", narvaro.RoleAdmin, 0, nil},
	{"psykolog", "Nils Bergkvist", "Skolpsykolog", narvaro.RoleEHT, 0, []int{0, 1, 2, 3}},

	{"rektor.bjork", "Karin Åberg", "Rektor", narvaro.RoleRektor, 0, []int{0}},
	{"eht.bjork", "Sofia Lindqvist", "Kurator", narvaro.RoleEHT, 0, []int{0}},
	{"eht2.bjork", "Maria Ekström", "Skolsköterska", narvaro.RoleEHT, 0, []int{0}},
	{"mentor.bjork", "Anders Nyström", "Lärare", narvaro.RoleMentor, 0, []int{0}},
	{"mentor2.bjork", "Elin Sjögren", "Lärare", narvaro.RoleMentor, 0, []int{0}},
	{"mentor3.bjork", "Jonas Bäckström", "Lärare", narvaro.RoleMentor, 0, []int{0}},

	{"rektor.ek", "Peter Håkansson", "Rektor", narvaro.RoleRektor, 0, []int{1}},
	{"eht.ek", "Lena Öberg", "Kurator", narvaro.RoleEHT, 0, []int{1}},
	{"eht2.ek", "Fredrik Strömberg", "Specialpedagog", narvaro.RoleEHT, 0, []int{1}},
	{"mentor.ek", "Sara Lindén", "Lärare", narvaro.RoleMentor, 0, []int{1}},
	{"mentor2.ek", "Mikael Forsgren", "Lärare", narvaro.RoleMentor, 0, []int{1}},
	{"mentor3.ek", "Aylin Demir", "Lärare", narvaro.RoleMentor, 0, []int{1}},

	{"rektor.lind", "Annika Sandén", "Rektor", narvaro.RoleRektor, 0, []int{2}},
	{"eht.lind", "Hanna Grönlund", "Kurator", narvaro.RoleEHT, 0, []int{2}},
	{"eht2.lind", "Jenny Malmsten", "Skolsköterska", narvaro.RoleEHT, 0, []int{2}},
	{"mentor.lind", "Erik Vikström", "Lärare", narvaro.RoleMentor, 0, []int{2}},
	{"mentor2.lind", "Paulina Nowicka", "Lärare", narvaro.RoleMentor, 0, []int{2}},

	{"rektor.asen", "Göran Sjödin", "Rektor", narvaro.RoleRektor, 0, []int{3}},
	{"eht.asen", "Therese Ålund", "Kurator", narvaro.RoleEHT, 0, []int{3}},
	{"eht2.asen", "Katarina Hedlund", "Specialpedagog", narvaro.RoleEHT, 0, []int{3}},
	{"mentor.asen", "Magnus Törnqvist", "Lärare", narvaro.RoleMentor, 0, []int{3}},
	{"mentor2.asen", "Linh Trần", "Lärare", narvaro.RoleMentor, 0, []int{3}},

	{"admin.glantan", "Tomas Falk", "Verksamhetschef, Friskolan Gläntan AB", narvaro.RoleAdmin, 1, nil},
	{"rektor.glantan", "Eva Lönnqvist", "Rektor", narvaro.RoleRektor, 1, []int{4}},
	{"eht.glantan", "Ingrid Wahlberg", "Kurator", narvaro.RoleEHT, 1, []int{4}},
	{"eht2.glantan", "Amanda Rydén", "Skolsköterska", narvaro.RoleEHT, 1, []int{4}},
	{"mentor.glantan", "Oskar Lundmark", "Lärare", narvaro.RoleMentor, 1, []int{4}},
	{"mentor2.glantan", "Zoë Hallberg", "Lärare", narvaro.RoleMentor, 1, []int{4}},
	{"mentor3.glantan", "Björn Eklöf", "Lärare", narvaro.RoleMentor, 1, []int{4}},
}

// mentorsOf returns the staff indexes of a school's mentors, in staff order.
func mentorsOf(school int) []int {
	var out []int
	for i, s := range staff {
		if s.role == narvaro.RoleMentor && len(s.schools) == 1 && s.schools[0] == school {
			out = append(out, i)
		}
	}
	return out
}
