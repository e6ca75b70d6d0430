package dev.tern.cli;
public class TernCommand { public static void main(String[] a){ System.out.println("tern"); } }
